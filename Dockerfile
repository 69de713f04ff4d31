# syntax=docker/dockerfile:1
# The Parley server with its web client, for one process or several behind a proxy
# (deploy/compose.yml, docs/deployment.md).
#   docker build -t parley .
#   docker run -p 3000:3000 -v parley-data:/data parley

ARG NODE_IMAGE=node:20-bookworm-slim

# Node 20 ships npm 10; the lockfile and package.json's allowScripts are npm 11's.
FROM ${NODE_IMAGE} AS base
ENV TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
RUN npm install --global npm@11 --no-audit --no-fund --loglevel=error
WORKDIR /app

# better-sqlite3 is compiled where no prebuilt addon matches the platform.
FROM base AS toolchain
RUN apt-get update \
 && apt-get install --yes --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

FROM toolchain AS build
# The web client is the desktop app's renderer (apps/desktop/dist/web): no Electron binary needed.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npx turbo run build --filter=@parley/server... --filter=@parley/desktop --output-logs=errors-only
# The server's workspaces and their part of the lockfile, without the desktop app, client or bench.
RUN npx turbo prune @parley/server --docker --out-dir /pruned

# Production dependencies of the server's workspaces only. The tooling workspaces (ESLint and
# TypeScript settings) are for building: without their folders npm installs none of their packages.
FROM toolchain AS server-deps
COPY --from=build /pruned/json/ ./
COPY --from=build /pruned/package-lock.json ./
RUN rm -rf tooling
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=server-deps /app/ ./
COPY --from=build /app/drizzle/ ./drizzle/
COPY --from=build /app/packages/protocol/dist/ ./packages/protocol/dist/
COPY --from=build /app/packages/db/dist/ ./packages/db/dist/
COPY --from=build /app/packages/core/dist/ ./packages/core/dist/
COPY --from=build /app/packages/api/dist/ ./packages/api/dist/
COPY --from=build /app/apps/server/dist/ ./apps/server/dist/
COPY --from=build /app/apps/desktop/dist/web/ ./apps/desktop/dist/web/
# The data directory holds password hashes and messages: the server's user only.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME /data
EXPOSE 3000
# No curl in the slim image: Node's fetch. /healthz answers 503 while the database is unreachable.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The flags of apps/server's start script (apps/server/src/node-flags.ts says why).
CMD ["node", "--max-semi-space-size=128", "apps/server/dist/main.js"]
