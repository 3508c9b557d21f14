/**
 * Where a connection's token sits, as the vault binds its ciphertext: a
 * ciphertext copied to another row or column does not decrypt. Connect,
 * refresh, hand-out and revocation all seal or open tokens with it.
 */
export const tokenLocation = (connectionId: string, column: 'access_token' | 'refresh_token') => ({
  table: 'connections',
  column,
  rowId: connectionId,
});
