import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;
import { searchAttributeTypes } from '../domain/search-attributes';

const indexedValueType = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
} as const;

/**
 * Registers the service's search attributes through the operator API (the time-skipping test
 * server, or a cluster where the operator has not done it). Already-registered ones are skipped.
 */
export async function registerSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace: string): Promise<void> {
  // The Java test server implements Add but not List: add one at a time, skipping those that exist.
  for (const [name, type] of Object.entries(searchAttributeTypes)) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [name]: indexedValueType[type] } });
    } catch (err) {
      if (!/already (exists|registered)/i.test((err as Error).message)) throw err;
    }
  }
}
