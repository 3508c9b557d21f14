export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process is serving requests
         * @description Answers without touching the database.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the database answers and every migration is applied
         * @description Send traffic to this replica only while it answers 200.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Service authentication and token exchange
         * @description `client_credentials` (client_secret_basic or client_secret_post) answers a service token: a JWT (typ at+jwt, aud the broker) valid 5 minutes. RFC 8693 token exchange with `resource` = `{public URL}/v1/connections/{id}` answers that connection’s provider access token in one step.
         */
        post: operations["token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a service token (RFC 7009)
         * @description The client authenticates as at /oauth/token. An unknown or foreign token answers 200 too.
         */
        post: operations["revoke"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/oauth-authorization-server": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * RFC 8414 metadata of the broker’s own token issuer
         * @description Where to get and revoke service tokens, and how clients authenticate there.
         */
        get: operations["authorizationServerMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Public keys of the broker’s service tokens
         * @description ES256 keys, as a JWK set, that verify the service tokens `/oauth/token` issues.
         */
        get: operations["jwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List configured providers
         * @description Every provider, enabled or not, in pages ordered by id. Client secrets are never shown.
         */
        get: operations["listProviders"];
        put?: never;
        /**
         * Register a provider, from a preset or fully custom
         * @description With `preset`, only `client_id` and `client_secret` are needed; any other field overrides the preset. The client secret is stored encrypted and never returned.
         */
        post: operations["createProvider"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/providers/{provider_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one provider (never its secret)
         * @description The stored definition; `client_secret_set` says whether a secret is stored.
         */
        get: operations["getProvider"];
        /**
         * Replace a provider definition
         * @description The body is the whole definition (or a preset and overrides). The stored client secret carries over only when `client_id`, `token_url`, `userinfo_url` and `revocation_url` are unchanged.
         */
        put: operations["replaceProvider"];
        post?: never;
        /**
         * Delete a provider and its stored secret
         * @description Refused while connections use the provider: delete those first.
         */
        delete: operations["deleteProvider"];
        options?: never;
        head?: never;
        /**
         * Change some fields of a provider
         * @description Each top-level field given replaces the stored one; `null` clears a nullable field. Changing `client_id`, `token_url`, `userinfo_url` or `revocation_url` requires `client_secret` as well.
         */
        patch: operations["updateProvider"];
        trace?: never;
    };
    "/v1/admin/provider-presets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The built-in provider catalog
         * @description Presets a provider can be created from (`preset`), with their endpoints and quirks.
         */
        get: operations["listProviderPresets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Providers a service can connect accounts to
         * @description Enabled providers this client may use.
         */
        get: operations["listEnabledProviders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List service clients
         * @description Every registered service, in pages ordered by id, with its grants and secret ids.
         */
        get: operations["listClients"];
        put?: never;
        /**
         * Register an internal service
         * @description Answers the client secret once; only a keyed hash of it is stored.
         */
        post: operations["createClient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/clients/{client_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a service client (never its secrets)
         * @description Its grants and the ids and expiry of its secrets; never a secret.
         */
        get: operations["getClient"];
        put?: never;
        post?: never;
        /**
         * Delete a service client and its secrets
         * @description Its service tokens stop working within a few seconds on every replica.
         */
        delete: operations["deleteClient"];
        options?: never;
        head?: never;
        /**
         * Rename, disable, or change the grants of a service client
         * @description Takes effect on its service tokens within a few seconds on every replica.
         */
        patch: operations["updateClient"];
        trace?: never;
    };
    "/v1/admin/clients/{client_id}/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a secret (rotation with overlap)
         * @description The other secrets keep working until they expire or are deleted; `retire_others_in_seconds` sets when they expire.
         */
        post: operations["createClientSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/clients/{client_id}/secrets/{secret_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete one secret (ends the rotation overlap)
         * @description The client’s other secrets keep working.
         */
        delete: operations["deleteClientSecret"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the audit trail, newest first
         * @description Who did what to which thing, and whether it worked. Events are written within a moment of happening, so the newest may take a fraction of a second to appear.
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhook endpoints
         * @description List webhook endpoints
         */
        get: operations["listWebhookEndpoints"];
        put?: never;
        /**
         * Add a webhook endpoint
         * @description Answers the signing secret once; it is stored in the vault. An endpoint bound to a `client_id` receives only events inside that client's tenants and providers.
         */
        post: operations["createWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a webhook endpoint (never its secret)
         * @description Read a webhook endpoint (never its secret)
         */
        get: operations["getWebhookEndpoint"];
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint and its deliveries
         * @description Delete a webhook endpoint and its deliveries
         */
        delete: operations["deleteWebhookEndpoint"];
        options?: never;
        head?: never;
        /**
         * Change the URL, events or description, or enable or disable an endpoint
         * @description Change the URL, events or description, or enable or disable an endpoint
         */
        patch: operations["updateWebhookEndpoint"];
        trace?: never;
    };
    "/v1/admin/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make a new signing secret
         * @description For 24 hours deliveries carry two signatures, the new secret and the one before, so a receiver can switch without missing an event.
         */
        post: operations["rotateWebhookEndpointSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/webhook-endpoints/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a webhook.test event
         * @description Send a webhook.test event
         */
        post: operations["testWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/webhook-endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Deliveries to an endpoint, newest first, with their attempts
         * @description Deliveries to an endpoint, newest first, with their attempts
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/webhook-endpoints/{id}/deliveries/{delivery_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery again now
         * @description Same `webhook-id` as before; its earlier attempts are kept.
         */
        post: operations["retryWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connect-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start connecting an end user’s account
         * @description Single use, expires in 10 minutes. Send the browser to `connect_url`; it comes back to `return_to` with `connection_id` or `error`. With your own `redirect_uri`, send it to `authorization_url` instead and finish with `/complete`.
         */
        post: operations["createConnectSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connect-sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Status of a connect session
         * @description Pending, completed (with `connection_id`) or failed (with `error`). Only its creator sees it.
         */
        get: operations["getConnectSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connect-sessions/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish a session whose redirect reached your own page
         * @description Send the `code`, `state` and (if present) `iss` your redirect_uri received.
         */
        post: operations["completeConnectSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/connect/{connect_token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Browser entry of a connect flow
         * @description Binds this browser to the session with a cookie, then redirects to the provider.
         */
        get: operations["enterConnectSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/callback/{provider_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The provider's redirect back (register this URL at the provider)
         * @description Exchanges the code, stores the connection, then sends the browser back to `return_to` with `connection_id` or `error`, or shows a page when the session has no `return_to`.
         */
        get: operations["oauthCallback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List connections (metadata only)
         * @description Connections in the caller’s tenants and providers, filtered by the query; never a token.
         */
        get: operations["listConnections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connections/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one connection (metadata only)
         * @description Its account, scopes, status and token expiry; never a token.
         */
        get: operations["getConnection"];
        put?: never;
        post?: never;
        /**
         * Revoke the grant at the provider, then delete the connection
         * @description Revokes at the provider (RFC 7009) where it has a revocation endpoint, retrying a 503. If the provider does not confirm, nothing is deleted; `revoke=false` deletes without asking it.
         */
        delete: operations["deleteConnection"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connections/{id}/access-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A valid provider access token for a connection
         * @description Refreshed first when it expires within the provider’s buffer or `min_validity_seconds`; `force_refresh` renews it regardless (after a provider answered 401). Never a refresh token.
         */
        post: operations["getAccessToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This OpenAPI 3.1 document, as YAML
         * @description The same text as `openapi.yaml` in the repository.
         */
        get: operations["getOpenApiYaml"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This OpenAPI 3.1 document, as JSON
         * @description The document the reference page at `/docs` reads.
         */
        get: operations["getOpenApiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An interactive reference page for this API
         * @description Swagger UI, served by the broker itself. Authorize with the admin credential, or with a client id and secret for a service token, then try the operations.
         */
        get: operations["getDocs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics of this replica
         * @description Takes the admin credential or `CUSTODIAN_METRICS_TOKEN` as a bearer token. Counts are this process’s own; the connection gauges are read from the database (cached for 10 s).
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AccessToken: {
            access_token: string;
            token_type: string;
            /** @description null when the provider’s token does not expire */
            expires_at: string | null;
            expires_in: number | null;
            scope: string;
            connection_id: string;
            provider_id: string;
            account: {
                user_id: string;
                email: string | null;
                display_name: string | null;
            };
            /** @description values needed to call the provider for this connection (instance_url, a tenant id); never a token */
            metadata: {
                [key: string]: string;
            };
        };
        AccessTokenRequest: {
            /** @default false */
            force_refresh?: boolean;
            min_validity_seconds?: number;
        };
        AuditEvent: {
            /** @description sorts by time: a newer event has a greater id */
            id: string;
            /** Format: date-time */
            at: string;
            actor: {
                /** @enum {string} */
                type: "admin" | "service" | "broker";
                id: string;
            };
            /** @description `<target type>.<verb>`: one per changing admin or service route, named from the operation (`provider.create`, `client.update`, `client_secret.create`, `connect_session.create`, `connection.delete`, …), and the broker's own: `connection.token_issued`, `connection.refreshed`, `service_token.issued`, `service_token.revoked`, `webhook_endpoint.disabled` */
            action: string;
            target: {
                type: string;
                id: string;
            };
            tenant: string | null;
            /** @enum {string} */
            outcome: "success" | "failure";
            /** @description values under secret-looking names are stored as `[redacted]` */
            details: {
                [key: string]: string | number | boolean | null;
            };
        };
        AuditEventPage: {
            data: components["schemas"]["AuditEvent"][];
            /** @description pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        Client: {
            client_id: string;
            name: string;
            is_enabled: boolean;
            grants: {
                tenants: "*" | string[];
                providers: "*" | string[];
                actions: string[];
                return_to_origins: string[];
                redirect_uris: string[];
            };
            /** @description metadata only: a secret is shown once, when made */
            secrets: {
                id: string;
                /** Format: date-time */
                created_at: string;
                expires_at: string | null;
            }[];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        ClientCreate: {
            name: string;
            grants: components["schemas"]["ClientGrants"];
            /** @default true */
            is_enabled?: boolean;
        };
        ClientGrants: {
            /** @description "*" for every tenant */
            tenants: "*" | string[];
            /** @description "*" for every provider */
            providers: "*" | string[];
            actions: ("connect" | "read_connections" | "get_access_token" | "delete_connections")[];
            /**
             * @description return_to must be a URL on one of these
             * @default []
             */
            return_to_origins?: string[];
            /**
             * @description redirect_uri must equal one of these
             * @default []
             */
            redirect_uris?: string[];
        };
        ClientPage: {
            data: components["schemas"]["Client"][];
            /** @description pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        ClientPatch: {
            name?: string;
            grants?: components["schemas"]["ClientGrants"];
            is_enabled?: boolean;
        };
        ClientSecretCreate: {
            /** @description default: never */
            expires_in_seconds?: number;
            /** @description end the overlap: the other secrets expire this long from now */
            retire_others_in_seconds?: number;
        };
        ClientSecretCreated: {
            client_id: string;
            secret_id: string;
            client_secret: string;
            expires_at: string | null;
        };
        ClientWithSecret: {
            client_id: string;
            name: string;
            is_enabled: boolean;
            grants: {
                tenants: "*" | string[];
                providers: "*" | string[];
                actions: string[];
                return_to_origins: string[];
                redirect_uris: string[];
            };
            /** @description metadata only: a secret is shown once, when made */
            secrets: {
                id: string;
                /** Format: date-time */
                created_at: string;
                expires_at: string | null;
            }[];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** @description shown this once; store it now */
            client_secret: string;
            secret_id: string;
        };
        Connection: {
            id: string;
            provider_id: string;
            tenant: string;
            end_user: string;
            account: {
                user_id: string;
                email: string | null;
                display_name: string | null;
            };
            scopes: string[];
            /** @enum {string} */
            status: "active" | "needs_reauth" | "revoked";
            /** @description the values its provider's `{name}` URL parameters were filled with; null when it has none */
            connection_params: {
                [key: string]: string;
            } | null;
            /** @description values needed to call the provider (instance_url, a tenant id); never a token */
            metadata: {
                [key: string]: string;
            };
            /** @description when the current access token expires; null if it does not */
            expires_at: string | null;
            /** @description the last successful refresh; null: none yet */
            last_refreshed_at: string | null;
            /** @description when the broker next renews it (ahead of expiry while in use, to keep an idle grant alive, or to retry after a failure); null: nothing planned */
            next_refresh_at: string | null;
            /** @description when the refresh token dies at the latest, as the provider states it; null when unknown */
            refresh_token_expires_at: string | null;
            /** @description stable code of the last failed refresh (`provider_timeout`, `invalid_grant`, `refresh_token_expired`, ...); null after a success */
            last_error: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        ConnectionPage: {
            data: components["schemas"]["Connection"][];
            /** @description pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        ConnectSession: {
            id: string;
            provider: string;
            tenant: string;
            end_user: string;
            /** @enum {string} */
            status: "pending" | "completed" | "failed";
            connection_id: string | null;
            /** @description why it failed: access_denied, session_expired, provider_error, id_token_invalid, ... */
            error: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string;
        };
        ConnectSessionComplete: {
            code: string;
            state: string;
            /** @description the `iss` the provider sent (RFC 9207), when it sent one */
            iss?: string;
            /** @description the redirect's other query parameters, for a provider with callback_metadata (realmId) */
            callback_params?: {
                [key: string]: string;
            };
        };
        ConnectSessionCreate: {
            provider: string;
            /** @description the caller's own name for the customer or workspace */
            tenant: string;
            /** @description the caller's own id for the end user */
            end_user: string;
            /** @description defaults to the provider's scopes */
            scopes?: string[];
            /** @description where the browser lands afterwards; must equal a URL this caller may use */
            return_to?: string;
            /** @description the caller's own page for the provider's redirect; then finish with /complete */
            redirect_uri?: string;
            /** @description a scope upgrade: this existing connection gets the new grant, with its scopes and `scopes`; nothing changes if the user declines */
            connection_id?: string;
            /** @description values for the provider's `{name}` URL parameters (a shop, subdomain, host or realm); each must match its pattern and may not contain / @ # ? \ % or .. */
            connection_params?: {
                [key: string]: string;
            };
        };
        ConnectSessionCreated: {
            id: string;
            /** @description send the end user's browser here */
            connect_url: string;
            /** @description only with your own redirect_uri */
            authorization_url?: string;
            /** Format: date-time */
            expires_at: string;
        };
        HealthStatus: {
            /** @constant */
            status: "ok";
        };
        MetadataRequest: {
            /** @description called with the new access token; may carry `{name}` connection parameters */
            url: string;
            /**
             * @description GET when absent
             * @enum {string}
             */
            method?: "GET" | "POST";
            body?: string;
            metadata: {
                [key: string]: string;
            };
        };
        OAuthError: {
            error: string;
            error_description?: string;
        };
        Problem: {
            /** @description a URN naming the problem type: `urn:custodian:problem:<code>` */
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @description stable machine-readable code, e.g. `provider_not_found` */
            code: string;
            request_id: string;
            /** @description one entry per invalid field, located by JSON Pointer */
            errors?: {
                pointer: string;
                message: string;
            }[];
        };
        Provider: {
            provider_id: string;
            preset: string | null;
            is_enabled: boolean;
            client_id: string;
            display_name: string;
            /** @enum {string} */
            client_auth_method: "client_secret_basic" | "client_secret_post" | "none";
            /** @description an https URL; checked against loopback, private and metadata addresses */
            authorization_url: string;
            /** @description an https URL; checked against loopback, private and metadata addresses */
            token_url: string;
            /** @description null: read the account from the token response */
            userinfo_url: string | null;
            /** @description RFC 7009 endpoint; null when the provider has none */
            revocation_url: string | null;
            /** @description how the client authenticates at `revocation_url`, where it differs from the token endpoint's; null: as `client_auth_method` */
            revocation_auth_method: ("client_secret_basic" | "client_secret_post" | "none") | null;
            /** @description the issuer's signing keys (OIDC Discovery `jwks_uri`), only with an `issuer`. With no `userinfo_url`, the connect flow asks for `openid` with a nonce and reads the account from the validated ID token */
            jwks_uri: string | null;
            /** @description RFC 9207 `iss` expected on the authorization response. Given with no endpoint URLs on create, the endpoints, `jwks_uri`, client authentication and PKCE come from its OIDC discovery document; without a `userinfo` mapping the account is read from the claims sub, email and name (of userinfo, or of the ID token when there is no `userinfo_url`) */
            issuer: string | null;
            /** @description S256 PKCE; turn off only for a provider that cannot do it */
            pkce: boolean;
            scopes: string[];
            /** @enum {string} */
            scope_separator: " " | ",";
            authorization_params: {
                [key: string]: string;
            };
            token_params: {
                [key: string]: string;
            };
            userinfo: {
                /** @enum {string} */
                method: "GET" | "POST";
                /** @description JSON body for a POST userinfo call (Dropbox wants `null`) */
                body?: string;
                /** @description the header that carries the bare access token, for a provider that refuses `Authorization: Bearer` (Shopify) */
                token_header?: string;
                /** @description pointers to the account's stable id, tried in order */
                user_id: string[];
                email: string[];
                display_name: string[];
            };
            expiry_buffer_seconds: number;
            default_token_lifetime_seconds: number | null;
            /** @description a refresh token unused this long dies; null: it does not die of inactivity */
            refresh_token_idle_seconds: number | null;
            /** @description a grant dies this long after it was given, whatever its use; null: no such end */
            refresh_token_max_seconds: number | null;
            token_errors_with_200: boolean;
            /** @description refresh answers besides `invalid_grant` that mean the grant is dead and only the user can make a new one (the connection becomes `needs_reauth` with `last_error` `invalid_grant`); a 5xx never counts */
            refresh_grant_dead_errors: components["schemas"]["RefreshGrantDeadError"][];
            /** @description `{name}` in any URL of the provider or its issuer, filled per connection from the connect session’s `connection_params` (a shop, subdomain, host or realm) */
            connection_params: {
                [key: string]: {
                    /** @description matched against the whole value */
                    pattern: string;
                    description: string;
                };
            };
            /** @description `{ name: JSON Pointer }` into the token answer, read on connect and on every refresh (`/instance_url`) */
            token_response_metadata: {
                [key: string]: string;
            };
            /** @description `{ name: query parameter }` of the provider's redirect back (`realmId`) */
            callback_metadata: {
                [key: string]: string;
            };
            /** @description called once after connecting; a failure fails the connect and stores nothing */
            metadata_requests: components["schemas"]["MetadataRequest"][];
            /** @description whether a client secret is stored; the secret itself is never returned */
            client_secret_set: boolean;
            /** @description register this exact callback URL at the provider */
            redirect_uri: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        ProviderCreate: {
            /** @description defaults to the preset's id */
            provider_id?: string;
            /** @description fill everything but the client credentials from a preset */
            preset?: string;
            is_enabled?: boolean;
            client_id?: string;
            /** @description write-only: stored encrypted, never returned */
            client_secret?: string;
            display_name?: string;
            /** @enum {string} */
            client_auth_method?: "client_secret_basic" | "client_secret_post" | "none";
            /** @description an https URL; checked against loopback, private and metadata addresses */
            authorization_url?: string;
            /** @description an https URL; checked against loopback, private and metadata addresses */
            token_url?: string;
            /** @description null: read the account from the token response */
            userinfo_url?: string | null;
            /** @description RFC 7009 endpoint; null when the provider has none */
            revocation_url?: string | null;
            /** @description how the client authenticates at `revocation_url`, where it differs from the token endpoint's; null: as `client_auth_method` */
            revocation_auth_method?: ("client_secret_basic" | "client_secret_post" | "none") | null;
            /** @description the issuer's signing keys (OIDC Discovery `jwks_uri`), only with an `issuer`. With no `userinfo_url`, the connect flow asks for `openid` with a nonce and reads the account from the validated ID token */
            jwks_uri?: string | null;
            /** @description RFC 9207 `iss` expected on the authorization response. Given with no endpoint URLs on create, the endpoints, `jwks_uri`, client authentication and PKCE come from its OIDC discovery document; without a `userinfo` mapping the account is read from the claims sub, email and name (of userinfo, or of the ID token when there is no `userinfo_url`) */
            issuer?: string | null;
            /** @description S256 PKCE; turn off only for a provider that cannot do it */
            pkce?: boolean;
            scopes?: string[];
            /** @enum {string} */
            scope_separator?: " " | ",";
            authorization_params?: {
                [key: string]: string;
            };
            token_params?: {
                [key: string]: string;
            };
            userinfo?: components["schemas"]["UserinfoSettings"];
            expiry_buffer_seconds?: number;
            default_token_lifetime_seconds?: number | null;
            /** @description a refresh token unused this long dies; null: it does not die of inactivity */
            refresh_token_idle_seconds?: number | null;
            /** @description a grant dies this long after it was given, whatever its use; null: no such end */
            refresh_token_max_seconds?: number | null;
            token_errors_with_200?: boolean;
            /** @description refresh answers besides `invalid_grant` that mean the grant is dead and only the user can make a new one (the connection becomes `needs_reauth` with `last_error` `invalid_grant`); a 5xx never counts */
            refresh_grant_dead_errors?: components["schemas"]["RefreshGrantDeadError"][];
            /** @description `{name}` in any URL of the provider or its issuer, filled per connection from the connect session’s `connection_params` (a shop, subdomain, host or realm) */
            connection_params?: {
                [key: string]: {
                    /** @description matched against the whole value */
                    pattern: string;
                    description: string;
                };
            };
            /** @description `{ name: JSON Pointer }` into the token answer, read on connect and on every refresh (`/instance_url`) */
            token_response_metadata?: {
                [key: string]: string;
            };
            /** @description `{ name: query parameter }` of the provider's redirect back (`realmId`) */
            callback_metadata?: {
                [key: string]: string;
            };
            /** @description called once after connecting; a failure fails the connect and stores nothing */
            metadata_requests?: components["schemas"]["MetadataRequest"][];
        };
        ProviderPage: {
            data: components["schemas"]["Provider"][];
            /** @description pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        ProviderPatch: {
            is_enabled?: boolean;
            client_id?: string;
            /** @description write-only: stored encrypted, never returned */
            client_secret?: string;
            display_name?: string;
            /** @enum {string} */
            client_auth_method?: "client_secret_basic" | "client_secret_post" | "none";
            /** @description an https URL; checked against loopback, private and metadata addresses */
            authorization_url?: string;
            /** @description an https URL; checked against loopback, private and metadata addresses */
            token_url?: string;
            /** @description null: read the account from the token response */
            userinfo_url?: string | null;
            /** @description RFC 7009 endpoint; null when the provider has none */
            revocation_url?: string | null;
            /** @description how the client authenticates at `revocation_url`, where it differs from the token endpoint's; null: as `client_auth_method` */
            revocation_auth_method?: ("client_secret_basic" | "client_secret_post" | "none") | null;
            /** @description the issuer's signing keys (OIDC Discovery `jwks_uri`), only with an `issuer`. With no `userinfo_url`, the connect flow asks for `openid` with a nonce and reads the account from the validated ID token */
            jwks_uri?: string | null;
            /** @description RFC 9207 `iss` expected on the authorization response. Given with no endpoint URLs on create, the endpoints, `jwks_uri`, client authentication and PKCE come from its OIDC discovery document; without a `userinfo` mapping the account is read from the claims sub, email and name (of userinfo, or of the ID token when there is no `userinfo_url`) */
            issuer?: string | null;
            /** @description S256 PKCE; turn off only for a provider that cannot do it */
            pkce?: boolean;
            scopes?: string[];
            /** @enum {string} */
            scope_separator?: " " | ",";
            authorization_params?: {
                [key: string]: string;
            };
            token_params?: {
                [key: string]: string;
            };
            userinfo?: components["schemas"]["UserinfoSettings"];
            expiry_buffer_seconds?: number;
            default_token_lifetime_seconds?: number | null;
            /** @description a refresh token unused this long dies; null: it does not die of inactivity */
            refresh_token_idle_seconds?: number | null;
            /** @description a grant dies this long after it was given, whatever its use; null: no such end */
            refresh_token_max_seconds?: number | null;
            token_errors_with_200?: boolean;
            /** @description refresh answers besides `invalid_grant` that mean the grant is dead and only the user can make a new one (the connection becomes `needs_reauth` with `last_error` `invalid_grant`); a 5xx never counts */
            refresh_grant_dead_errors?: components["schemas"]["RefreshGrantDeadError"][];
            /** @description `{name}` in any URL of the provider or its issuer, filled per connection from the connect session’s `connection_params` (a shop, subdomain, host or realm) */
            connection_params?: {
                [key: string]: {
                    /** @description matched against the whole value */
                    pattern: string;
                    description: string;
                };
            };
            /** @description `{ name: JSON Pointer }` into the token answer, read on connect and on every refresh (`/instance_url`) */
            token_response_metadata?: {
                [key: string]: string;
            };
            /** @description `{ name: query parameter }` of the provider's redirect back (`realmId`) */
            callback_metadata?: {
                [key: string]: string;
            };
            /** @description called once after connecting; a failure fails the connect and stores nothing */
            metadata_requests?: components["schemas"]["MetadataRequest"][];
        };
        ProviderPreset: {
            id: string;
            description: string;
            docs_url: string;
            display_name: string;
            /** @enum {string} */
            client_auth_method: "client_secret_basic" | "client_secret_post" | "none";
            /** @description an https URL; checked against loopback, private and metadata addresses */
            authorization_url: string;
            /** @description an https URL; checked against loopback, private and metadata addresses */
            token_url: string;
            /** @description null: read the account from the token response */
            userinfo_url: string | null;
            /** @description RFC 7009 endpoint; null when the provider has none */
            revocation_url: string | null;
            /** @description how the client authenticates at `revocation_url`, where it differs from the token endpoint's; null: as `client_auth_method` */
            revocation_auth_method: ("client_secret_basic" | "client_secret_post" | "none") | null;
            /** @description the issuer's signing keys (OIDC Discovery `jwks_uri`), only with an `issuer`. With no `userinfo_url`, the connect flow asks for `openid` with a nonce and reads the account from the validated ID token */
            jwks_uri: string | null;
            /** @description RFC 9207 `iss` expected on the authorization response. Given with no endpoint URLs on create, the endpoints, `jwks_uri`, client authentication and PKCE come from its OIDC discovery document; without a `userinfo` mapping the account is read from the claims sub, email and name (of userinfo, or of the ID token when there is no `userinfo_url`) */
            issuer: string | null;
            /** @description S256 PKCE; turn off only for a provider that cannot do it */
            pkce: boolean;
            scopes: string[];
            /** @enum {string} */
            scope_separator: " " | ",";
            authorization_params: {
                [key: string]: string;
            };
            token_params: {
                [key: string]: string;
            };
            userinfo: {
                /** @enum {string} */
                method: "GET" | "POST";
                /** @description JSON body for a POST userinfo call (Dropbox wants `null`) */
                body?: string;
                /** @description the header that carries the bare access token, for a provider that refuses `Authorization: Bearer` (Shopify) */
                token_header?: string;
                /** @description pointers to the account's stable id, tried in order */
                user_id: string[];
                email: string[];
                display_name: string[];
            };
            expiry_buffer_seconds: number;
            default_token_lifetime_seconds: number | null;
            /** @description a refresh token unused this long dies; null: it does not die of inactivity */
            refresh_token_idle_seconds: number | null;
            /** @description a grant dies this long after it was given, whatever its use; null: no such end */
            refresh_token_max_seconds: number | null;
            token_errors_with_200: boolean;
            /** @description refresh answers besides `invalid_grant` that mean the grant is dead and only the user can make a new one (the connection becomes `needs_reauth` with `last_error` `invalid_grant`); a 5xx never counts */
            refresh_grant_dead_errors: components["schemas"]["RefreshGrantDeadError"][];
            /** @description `{name}` in any URL of the provider or its issuer, filled per connection from the connect session’s `connection_params` (a shop, subdomain, host or realm) */
            connection_params: {
                [key: string]: {
                    /** @description matched against the whole value */
                    pattern: string;
                    description: string;
                };
            };
            /** @description `{ name: JSON Pointer }` into the token answer, read on connect and on every refresh (`/instance_url`) */
            token_response_metadata: {
                [key: string]: string;
            };
            /** @description `{ name: query parameter }` of the provider's redirect back (`realmId`) */
            callback_metadata: {
                [key: string]: string;
            };
            /** @description called once after connecting; a failure fails the connect and stores nothing */
            metadata_requests: components["schemas"]["MetadataRequest"][];
        };
        ProviderPresetPage: {
            data: components["schemas"]["ProviderPreset"][];
            /** @description pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        ProviderReplace: {
            preset?: string;
            is_enabled?: boolean;
            client_id?: string;
            /** @description write-only: stored encrypted, never returned */
            client_secret?: string;
            display_name?: string;
            /** @enum {string} */
            client_auth_method?: "client_secret_basic" | "client_secret_post" | "none";
            /** @description an https URL; checked against loopback, private and metadata addresses */
            authorization_url?: string;
            /** @description an https URL; checked against loopback, private and metadata addresses */
            token_url?: string;
            /** @description null: read the account from the token response */
            userinfo_url?: string | null;
            /** @description RFC 7009 endpoint; null when the provider has none */
            revocation_url?: string | null;
            /** @description how the client authenticates at `revocation_url`, where it differs from the token endpoint's; null: as `client_auth_method` */
            revocation_auth_method?: ("client_secret_basic" | "client_secret_post" | "none") | null;
            /** @description the issuer's signing keys (OIDC Discovery `jwks_uri`), only with an `issuer`. With no `userinfo_url`, the connect flow asks for `openid` with a nonce and reads the account from the validated ID token */
            jwks_uri?: string | null;
            /** @description RFC 9207 `iss` expected on the authorization response. Given with no endpoint URLs on create, the endpoints, `jwks_uri`, client authentication and PKCE come from its OIDC discovery document; without a `userinfo` mapping the account is read from the claims sub, email and name (of userinfo, or of the ID token when there is no `userinfo_url`) */
            issuer?: string | null;
            /** @description S256 PKCE; turn off only for a provider that cannot do it */
            pkce?: boolean;
            scopes?: string[];
            /** @enum {string} */
            scope_separator?: " " | ",";
            authorization_params?: {
                [key: string]: string;
            };
            token_params?: {
                [key: string]: string;
            };
            userinfo?: components["schemas"]["UserinfoSettings"];
            expiry_buffer_seconds?: number;
            default_token_lifetime_seconds?: number | null;
            /** @description a refresh token unused this long dies; null: it does not die of inactivity */
            refresh_token_idle_seconds?: number | null;
            /** @description a grant dies this long after it was given, whatever its use; null: no such end */
            refresh_token_max_seconds?: number | null;
            token_errors_with_200?: boolean;
            /** @description refresh answers besides `invalid_grant` that mean the grant is dead and only the user can make a new one (the connection becomes `needs_reauth` with `last_error` `invalid_grant`); a 5xx never counts */
            refresh_grant_dead_errors?: components["schemas"]["RefreshGrantDeadError"][];
            /** @description `{name}` in any URL of the provider or its issuer, filled per connection from the connect session’s `connection_params` (a shop, subdomain, host or realm) */
            connection_params?: {
                [key: string]: {
                    /** @description matched against the whole value */
                    pattern: string;
                    description: string;
                };
            };
            /** @description `{ name: JSON Pointer }` into the token answer, read on connect and on every refresh (`/instance_url`) */
            token_response_metadata?: {
                [key: string]: string;
            };
            /** @description `{ name: query parameter }` of the provider's redirect back (`realmId`) */
            callback_metadata?: {
                [key: string]: string;
            };
            /** @description called once after connecting; a failure fails the connect and stores nothing */
            metadata_requests?: components["schemas"]["MetadataRequest"][];
        };
        PublicProvider: {
            provider_id: string;
            display_name: string;
            is_enabled: boolean;
        };
        PublicProviderPage: {
            data: components["schemas"]["PublicProvider"][];
            /** @description pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        RefreshGrantDeadError: {
            /** @description the code that names a dead refresh token, in the answer's member `field`; with `field` `error`, never `invalid_client` or `unauthorized_client` (the broker’s registration) */
            error: string;
            /** @description the top-level member of the JSON error answer that carries the code (HubSpot: `status`); `error`, the OAuth member, when absent */
            field?: string;
            /** @description only with this HTTP status; an error a provider sends with 200 (`token_errors_with_200`) counts as 400 */
            status?: number;
        };
        RevocationRequest: {
            /** @description a service token this client was issued */
            token: string;
            token_type_hint?: string;
            /** @description client_secret_post only: the client id */
            client_id?: string;
            /** @description client_secret_post only: the client secret */
            client_secret?: string;
        } & {
            [key: string]: unknown;
        };
        TokenRequest: {
            /** @description `client_credentials`, or `urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693) */
            grant_type: string;
            /** @description token exchange: `{public URL}/v1/connections/{id}` */
            resource?: string;
            /** @description token exchange: `urn:ietf:params:oauth:token-type:access_token` if sent */
            requested_token_type?: string;
            /** @description client_secret_post only: the client id */
            client_id?: string;
            /** @description client_secret_post only: the client secret */
            client_secret?: string;
        } & {
            [key: string]: unknown;
        };
        TokenResponse: {
            access_token: string;
            token_type: string;
            expires_in?: number | null;
            /** @description token exchange only */
            issued_token_type?: string;
            scope?: string;
            /** @description token exchange only: the connection's metadata, as on the hand-out */
            metadata?: {
                [key: string]: string;
            };
        };
        UserinfoSettings: {
            /**
             * @default GET
             * @enum {string}
             */
            method?: "GET" | "POST";
            /** @description JSON body for a POST userinfo call (Dropbox wants `null`) */
            body?: string;
            /** @description the header that carries the bare access token, for a provider that refuses `Authorization: Bearer` (Shopify) */
            token_header?: string;
            /** @description pointers to the account's stable id, tried in order */
            user_id: string[];
            /** @default [] */
            email?: string[];
            /** @default [] */
            display_name?: string[];
        };
        WebhookDelivery: {
            id: string;
            endpoint_id: string;
            /** @description the `webhook-id` header, the same on every attempt */
            event_id: string;
            event_type: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed";
            attempts: {
                /** Format: date-time */
                at: string;
                status_code: number | null;
                /** @description when no HTTP answer came: upstream_timeout, upstream_unreachable, … */
                error_code: string | null;
                duration_ms: number;
                /** @description the first 200 characters of the answer */
                response_excerpt: string | null;
            }[];
            next_attempt_at: string | null;
            /** Format: date-time */
            created_at: string;
        };
        WebhookDeliveryPage: {
            data: components["schemas"]["WebhookDelivery"][];
            /** @description pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        WebhookEndpoint: {
            id: string;
            url: string;
            client_id: string | null;
            events: string[] | null;
            description: string | null;
            is_enabled: boolean;
            /** @description why the broker disabled it: `gone` (answered 410), `failing` (no success for 3 days) */
            disabled_reason: ("gone" | "failing") | null;
            /** @description first failed attempt since the last success */
            failing_since: string | null;
            /** @description until then, deliveries are also signed with the secret before the last rotation */
            previous_secret_expires_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        WebhookEndpointCreate: {
            /** @description https (http only on loopback, in development) */
            url: string;
            /** @description only events inside this service client's tenants and providers */
            client_id?: string | null;
            /** @description event types to receive; null or absent for every type */
            events?: ("connection.created" | "connection.reconnected" | "connection.needs_reauth" | "connection.refresh_failing" | "connection.recovered" | "connection.deleted" | "connect_session.failed" | "webhook.test")[] | null;
            description?: string | null;
        };
        WebhookEndpointPage: {
            data: components["schemas"]["WebhookEndpoint"][];
            /** @description pass as `cursor` for the next page; null on the last page */
            next_cursor: string | null;
        };
        WebhookEndpointPatch: {
            /** @description https (http only on loopback, in development) */
            url?: string;
            /** @description event types to receive; null or absent for every type */
            events?: ("connection.created" | "connection.reconnected" | "connection.needs_reauth" | "connection.refresh_failing" | "connection.recovered" | "connection.deleted" | "connect_session.failed" | "webhook.test")[] | null;
            description?: string | null;
            is_enabled?: boolean;
        };
        WebhookEndpointWithSecret: {
            id: string;
            url: string;
            client_id: string | null;
            events: string[] | null;
            description: string | null;
            is_enabled: boolean;
            /** @description why the broker disabled it: `gone` (answered 410), `failing` (no success for 3 days) */
            disabled_reason: ("gone" | "failing") | null;
            /** @description first failed attempt since the last success */
            failing_since: string | null;
            /** @description until then, deliveries are also signed with the secret before the last rotation */
            previous_secret_expires_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** @description `whsec_…`, shown this once; store it now */
            secret: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /**
         * @description Seconds to wait before trying again: when the limit’s window ends (RFC 9110 §10.2.3).
         * @example 42
         */
        "Retry-After": number;
        /**
         * @description The limit that was met: its name, `q` the requests (or failures) it allows per window and `w` the window in seconds (draft-ietf-httpapi-ratelimit-headers).
         * @example "client-auth-failures";q=10;w=60
         */
        "RateLimit-Policy": string;
        /**
         * @description That limit now: its name, `r` what remains in the window (0) and `t` the seconds until it ends (draft-ietf-httpapi-ratelimit-headers).
         * @example "client-auth-failures";r=0;t=42
         */
        RateLimit: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description alive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthStatus"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthStatus"];
                };
            };
            /** @description temporarily unavailable; honour Retry-After where sent; `code`: `service_unavailable` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description a token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description the request is malformed or invalid; `error`: `invalid_grant`, `invalid_request`, `invalid_target`, `unauthorized_client`, `unsupported_grant_type` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description client authentication failed; `error`: `invalid_client` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description the request body is too large; `error`: `invalid_request` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description the body must be application/x-www-form-urlencoded; `error`: `invalid_request` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description too many failed client authentications for this client id or from this source address; or this client’s own limit for the operation (`handouts` for a hand-out or token exchange, `connect-sessions` for a connect session). Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `error`: `temporarily_unavailable` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description the provider failed or refused; `error`: `server_error` */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description temporarily unavailable; honour Retry-After where sent; `error`: `temporarily_unavailable` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description the provider did not answer in time; `error`: `server_error` */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description unexpected error; `error`: `server_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
        };
    };
    revoke: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["RevocationRequest"];
            };
        };
        responses: {
            /** @description revoked, or nothing to revoke */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the request is malformed or invalid; `error`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description client authentication failed; `error`: `invalid_client` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description the request body is too large; `error`: `invalid_request` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description the body must be application/x-www-form-urlencoded; `error`: `invalid_request` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description too many failed client authentications for this client id or from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `error`: `temporarily_unavailable` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description unexpected error; `error`: `server_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
        };
    };
    authorizationServerMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description metadata */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    jwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a JWK set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProviders: {
        parameters: {
            query?: {
                /** @description page size, 1 to 200 */
                limit?: number;
                /** @description `next_cursor` from the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of providers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderPage"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createProvider: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProviderCreate"];
            };
        };
        responses: {
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Provider"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `preset_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the resource’s state does not allow this; `code`: `provider_exists` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request is well-formed but not allowed; `code`: `client_secret_required`, `discovery_failed`, `url_not_allowed` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the provider */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Provider"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `provider_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replaceProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProviderReplace"];
            };
        };
        responses: {
            /** @description replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Provider"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `preset_not_found`, `provider_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request is well-formed but not allowed; `code`: `client_secret_required`, `discovery_failed`, `url_not_allowed` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `provider_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the resource’s state does not allow this; `code`: `provider_in_use` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProviderPatch"];
            };
        };
        responses: {
            /** @description updated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Provider"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `provider_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request is well-formed but not allowed; `code`: `client_secret_required`, `url_not_allowed` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProviderPresets: {
        parameters: {
            query?: {
                /** @description page size, 1 to 200 */
                limit?: number;
                /** @description `next_cursor` from the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of presets */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderPresetPage"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEnabledProviders: {
        parameters: {
            query?: {
                /** @description page size, 1 to 200 */
                limit?: number;
                /** @description `next_cursor` from the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of enabled providers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublicProviderPage"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the service token is missing, invalid or expired; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listClients: {
        parameters: {
            query?: {
                /** @description page size, 1 to 200 */
                limit?: number;
                /** @description `next_cursor` from the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of clients */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClientPage"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createClient: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ClientCreate"];
            };
        };
        responses: {
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClientWithSecret"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the client */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Client"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `client_not_found`, `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `client_not_found`, `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ClientPatch"];
            };
        };
        responses: {
            /** @description updated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Client"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `client_not_found`, `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createClientSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ClientSecretCreate"];
            };
        };
        responses: {
            /** @description the new secret, shown once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClientSecretCreated"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `client_not_found`, `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteClientSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
                secret_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `client_not_found`, `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                /** @description page size, 1 to 200 */
                limit?: number;
                /** @description `next_cursor` from the previous page */
                cursor?: string;
                actor_id?: string;
                /** @description an exact action, or every action under a prefix: `connection.*` */
                action?: string;
                target_id?: string;
                tenant?: string;
                outcome?: "success" | "failure";
                /** @description events at or after this time (ISO 8601) */
                since?: string;
                /** @description events before this time (ISO 8601) */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEventPage"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookEndpoints: {
        parameters: {
            query?: {
                /** @description page size, 1 to 200 */
                limit?: number;
                /** @description `next_cursor` from the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of endpoints */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointPage"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEndpointCreate"];
            };
        };
        responses: {
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request is well-formed but not allowed; `code`: `url_not_allowed` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the endpoint */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `webhook_endpoint_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `webhook_endpoint_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEndpointPatch"];
            };
        };
        responses: {
            /** @description updated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `webhook_endpoint_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request is well-formed but not allowed; `code`: `url_not_allowed` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateWebhookEndpointSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the endpoint and its new secret, shown once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `webhook_endpoint_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    testWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `webhook_endpoint_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the resource’s state does not allow this; `code`: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description page size, 1 to 200 */
                limit?: number;
                /** @description `next_cursor` from the previous page */
                cursor?: string;
                status?: "pending" | "succeeded" | "failed";
                event_type?: "connection.created" | "connection.reconnected" | "connection.needs_reauth" | "connection.refresh_failing" | "connection.recovered" | "connection.deleted" | "connect_session.failed" | "webhook.test";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of deliveries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `webhook_endpoint_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                delivery_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description the admin credential is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found`, `webhook_delivery_not_found`, `webhook_endpoint_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the resource’s state does not allow this; `code`: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createConnectSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectSessionCreate"];
            };
        };
        responses: {
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectSessionCreated"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_connection_params`, `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the service token is missing, invalid or expired; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the client’s grants do not allow this; `code`: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `connection_not_found`, `provider_not_found`, `tenant_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the resource’s state does not allow this; `code`: `end_user_mismatch` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request is well-formed but not allowed; `code`: `redirect_uri_not_allowed`, `return_to_not_allowed` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description this client’s own limit for the operation (`handouts` for a hand-out or token exchange, `connect-sessions` for a connect session). Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getConnectSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the session */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectSession"];
                };
            };
            /** @description the service token is missing, invalid or expired; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `connect_session_not_found`, `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    completeConnectSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectSessionComplete"];
            };
        };
        responses: {
            /** @description completed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectSession"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `issuer_mismatch`, `malformed_json`, `state_mismatch` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the service token is missing, invalid or expired; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `connect_session_not_found`, `connection_not_found`, `not_found`, `provider_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the resource’s state does not allow this; `code`: `account_mismatch`, `conflict`, `connect_session_used`, `end_user_mismatch` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed; `code`: `connect_session_expired` */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the provider failed or refused; `code`: `id_token_invalid`, `id_token_missing`, `metadata_request_failed`, `provider_bad_response`, `provider_error`, `provider_unreachable` */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the provider did not answer in time; `code`: `provider_timeout` */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    enterConnectSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                connect_token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description to the provider */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description unknown link; or `code`: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": unknown;
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description used or expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": unknown;
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    oauthCallback: {
        parameters: {
            query?: {
                code?: string;
                state?: string;
                iss?: string;
                error?: string;
                error_description?: string;
            };
            header?: never;
            path: {
                provider_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": unknown;
                };
            };
            /** @description back to the return_to URL */
            303: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no such flow; or `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": unknown;
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listConnections: {
        parameters: {
            query?: {
                /** @description page size, 1 to 200 */
                limit?: number;
                /** @description `next_cursor` from the previous page */
                cursor?: string;
                /** @description the caller's own name for the customer or workspace */
                tenant?: string;
                /** @description the caller's own id for the end user */
                end_user?: string;
                provider?: string;
                status?: "active" | "needs_reauth" | "revoked";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of connections */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionPage"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the service token is missing, invalid or expired; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the client’s grants do not allow this; `code`: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the connection */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connection"];
                };
            };
            /** @description the service token is missing, invalid or expired; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the client’s grants do not allow this; `code`: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `connection_not_found`, `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteConnection: {
        parameters: {
            query?: {
                revoke?: "true" | "false";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the service token is missing, invalid or expired; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the client’s grants do not allow this; `code`: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `connection_not_found`, `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the provider failed or refused; `code`: `revocation_failed` */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAccessToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccessTokenRequest"];
            };
        };
        responses: {
            /** @description the token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessToken"];
                };
            };
            /** @description the request is malformed or invalid; `code`: `invalid_request`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the service token is missing, invalid or expired; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the client’s grants do not allow this; `code`: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `connection_not_found`, `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the resource’s state does not allow this; `code`: `connection_needs_reauth` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request body is too large; `code`: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body must be application/json; `code`: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description this client’s own limit for the operation (`handouts` for a hand-out or token exchange, `connect-sessions` for a connect session). Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description temporarily unavailable; honour Retry-After where sent; `code`: `provider_unavailable` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOpenApiYaml: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": unknown;
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOpenApiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description an HTML page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": unknown;
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain; version=0.0.4": unknown;
                };
            };
            /** @description the credential (admin or metricsToken) is missing or wrong; `code`: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource; `code`: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many failed admin authentications from this source address. Counted per replica; `RateLimit-Policy` names the limit met; wait `Retry-After` seconds; `code`: `rate_limited` */
            429: {
                headers: {
                    "Retry-After": components["headers"]["Retry-After"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    RateLimit: components["headers"]["RateLimit"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unexpected error; `code`: `internal_error` */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
