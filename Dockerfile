# Custodian: build on the current Node LTS, run as a non-root user with data on a volume.

FROM node:26-trixie-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# A dev dependency of the lock file (TypeScript 5.9 for the typed-client test), pruned below.
COPY test/contract/typegen/package.json ./test/contract/typegen/package.json
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:26-trixie-slim
ENV NODE_ENV=production \
    CUSTODIAN_HOST=0.0.0.0 \
    CUSTODIAN_PORT=8080 \
    CUSTODIAN_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY drizzle ./drizzle
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.CUSTODIAN_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM reaches node directly (exec form), so in-flight requests finish on `docker stop`.
# A young generation of 8 MiB semi-spaces instead of V8's 16 keeps the resident memory of a busy
# broker about 20 MB lower at no measurable cost in throughput (README, "Performance").
CMD ["node", "--max-semi-space-size=8", "dist/main.js", "serve"]
