export { EncryptionCodec, ENCRYPTED_ENCODING, METADATA_ENCRYPTION_KEY_ID, PayloadDecryptionError } from './encryption-codec';
export { KeyRing, UnknownEncryptionKeyError, developmentKeyRing, developmentKeyWarning, type EncryptionKey } from './key-ring';
export { createDataConverter, dataConverterFor, failureConverterPath } from './data-converter';
