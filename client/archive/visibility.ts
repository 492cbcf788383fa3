/** Visibility's list query of runs closed after an instant (RFC 3339, as the SQL and Elasticsearch stores both read it). */
export const closedSinceQuery = (closedAfter: Date): string =>
  `ExecutionStatus != "Running" AND CloseTime > "${closedAfter.toISOString()}"`;
