import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { run, type Log } from '../run';
import { topologyFiles, type TopologyLayout } from './layout';

/**
 * The local deployment's certificates, made with openssl (Debian's `openssl` package): two CAs of its
 * own — one for the cluster (the frontend's server certificate and the nodes' internode certificates),
 * one for clients (the service and ops staff) — and a P-256 key for each. Made once; an operator with
 * a PKI of their own replaces the files (deploy/env.md) and keeps the paths.
 */
const days = { ca: 3650, leaf: 397 };

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args);
}

async function makeCa(cert: string, key: string, name: string): Promise<void> {
  await openssl([
    'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', String(days.ca), '-subj', `/O=HRDA local deployment/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await chmod(key, 0o600);
}

async function makeLeaf(opts: { cert: string; key: string; ca: { cert: string; key: string }; commonName: string; usage: 'server' | 'client' | 'both' }): Promise<void> {
  const csr = `${opts.cert}.csr`;
  const ext = `${opts.cert}.ext`;
  const extendedKeyUsage = { server: 'serverAuth', client: 'clientAuth', both: 'serverAuth,clientAuth' }[opts.usage];
  await writeFile(ext, [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    `extendedKeyUsage=${extendedKeyUsage}`,
    // Loopback names: the local deployment listens on 127.0.0.1 only; an operator's certificates name their hosts.
    ...(opts.usage === 'client' ? [] : ['subjectAltName=DNS:localhost,IP:127.0.0.1']),
  ].join('\n'));
  try {
    await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', opts.key, '-out', csr, '-subj', `/O=HRDA local deployment/CN=${opts.commonName}`]);
    await chmod(opts.key, 0o600);
    await openssl([
      'x509', '-req', '-in', csr, '-CA', opts.ca.cert, '-CAkey', opts.ca.key, '-set_serial', `0x${randomBytes(16).toString('hex')}`,
      '-days', String(days.leaf), '-sha256', '-extfile', ext, '-out', opts.cert,
    ]);
  } finally {
    await rm(csr, { force: true });
    await rm(ext, { force: true });
  }
}

/** Makes whatever certificate is missing; existing ones are kept (a second `up` changes nothing). */
export async function ensureCertificates(layout: TopologyLayout, log: Log): Promise<void> {
  const f = topologyFiles(layout);
  await mkdir(f.tls, { recursive: true, mode: 0o700 });
  const cluster = { cert: f.caCert, key: f.caKey };
  const clients = { cert: f.clientCaCert, key: f.clientCaKey };
  if (!existsSync(f.caCert)) {
    log(`Making the deployment's CAs and certificates in ${f.tls}…`);
    await makeCa(f.caCert, f.caKey, 'HRDA cluster CA');
  }
  if (!existsSync(f.clientCaCert)) await makeCa(f.clientCaCert, f.clientCaKey, 'HRDA client CA');
  const leaves = [
    { cert: f.frontendCert, key: f.frontendKey, ca: cluster, commonName: 'temporal-frontend', usage: 'server' as const },
    { cert: f.internodeCert, key: f.internodeKey, ca: cluster, commonName: 'temporal-internode', usage: 'both' as const },
    { cert: f.serviceCert, key: f.serviceKey, ca: clients, commonName: 'hrda-service', usage: 'client' as const },
    { cert: f.opsCert, key: f.opsKey, ca: clients, commonName: 'hrda-ops', usage: 'client' as const },
  ];
  for (const leaf of leaves) if (!existsSync(leaf.cert)) await makeLeaf(leaf);
}
