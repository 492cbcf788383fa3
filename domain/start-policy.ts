import {
  usesDevelopmentEncryptionKeys,
  usesDevelopmentJwtSecret,
  usesDevelopmentSubjectKey,
  type Config,
} from './config';

/**
 * Whether the service may start with the secrets published in this repository. They protect
 * nothing — anyone with the source can mint tokens, decrypt payloads and link subjects — so they
 * are allowed only when someone asked for development mode explicitly (`hrda start --development`,
 * which `npm start` passes), outside NODE_ENV=production, with the API reachable from this
 * machine only. Everywhere else the service refuses to start and names each variable to set.
 */
export interface StartMode {
  /** `hrda start --development`: the operator accepts the published development secrets. */
  development: boolean;
  /** process.env.NODE_ENV: production forbids development mode whatever else is asked. */
  nodeEnv?: string;
}

export interface StartProblem {
  variable: string;
  message: string;
}

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/** Whether a listen address is reachable from this machine only. */
export const isLoopbackHost = (host: string): boolean => loopbackHosts.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** The development secrets in use, each with the variable that replaces it. */
export function developmentSecretsInUse(config: Config): StartProblem[] {
  const problems: StartProblem[] = [];
  if (usesDevelopmentJwtSecret(config)) {
    problems.push({ variable: 'HRDA_JWT_SECRET', message: 'the published development secret signs and verifies tokens: set 32+ random characters (e.g. `openssl rand -base64 48`)' });
  }
  if (usesDevelopmentEncryptionKeys(config)) {
    problems.push({ variable: 'HRDA_ENCRYPTION_KEYS', message: 'the published development key ring encrypts payloads: set keys of your own as id:base64key (`openssl rand -base64 32`), docs/data-protection.md' });
  }
  if (usesDevelopmentSubjectKey(config)) {
    problems.push({ variable: 'HRDA_SUBJECT_KEY', message: 'the published development key links a victim across referrals: set 32+ random characters' });
  }
  return problems;
}

/** Whether development mode is granted: asked for, not production, and the API on loopback. */
export function developmentModeGranted(config: Config, mode: StartMode): boolean {
  return mode.development && mode.nodeEnv !== 'production' && isLoopbackHost(config.HRDA_API_HOST);
}

/**
 * Why the service must not start, or nothing. Development secrets are refused unless development
 * mode is granted; development mode itself is refused in production and off loopback, so that a
 * copied `npm start` cannot expose the published secrets.
 */
export function startProblems(config: Config, mode: StartMode): StartProblem[] {
  const secrets = developmentSecretsInUse(config);
  if (secrets.length === 0) return [];
  if (developmentModeGranted(config, mode)) return [];
  const why: StartProblem[] = [];
  if (mode.development && mode.nodeEnv === 'production') {
    why.push({ variable: 'NODE_ENV', message: 'is "production": development mode (--development) is refused there' });
  }
  if (mode.development && !isLoopbackHost(config.HRDA_API_HOST)) {
    why.push({ variable: 'HRDA_API_HOST', message: `is ${config.HRDA_API_HOST}: development mode needs the API on loopback (127.0.0.1) only` });
  }
  return [...why, ...secrets];
}

export class StartRefusedError extends Error {
  constructor(readonly problems: StartProblem[]) {
    super(
      [
        'Refusing to start: the service would run with secrets published in its source code.',
        ...problems.map((p) => `  ${p.variable}: ${p.message}`),
        'For a local development service on this machine only, run `npm start` (hrda start --development).',
      ].join('\n'),
    );
    this.name = 'StartRefusedError';
  }
}
