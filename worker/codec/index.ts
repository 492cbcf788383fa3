export { EncryptionCodec, refusedPayload, ENCRYPTED_ENCODING, METADATA_DATA_KEY, METADATA_ENCRYPTION_KEY_ID, PayloadDecryptionError } from './encryption-codec';
export { PostgresDataKeyStore, PersonalDataDestroyedError, UnknownDataKeyError, isScope, type DataKey, type DataKeyStore, type DestroyedKey, type DestructionGuard } from './data-keys';
export { KeyRing, UnknownEncryptionKeyError, developmentKeyRing, developmentKeyWarning, type EncryptionKey } from './key-ring';
export { createDataConverter, dataConverterFor, dataKeyStoreFor, failureConverterPath, workerDataConverterFor, workerDataKeyStoreFor } from './data-converter';
