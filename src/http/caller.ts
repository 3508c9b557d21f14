/**
 * Who is calling a service route, and what it may name. The one place the
 * caller's identity comes from: today the admin credential with the
 * configured allowlists; with service clients, the client and its grants.
 */
export interface Caller {
  id: string;
  allowedReturnUrls: readonly string[];
  allowedRedirectUris: readonly string[];
}
