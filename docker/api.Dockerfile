# syntax=docker/dockerfile:1
# Tessera API image. Build from the repository root:
#   docker build -f docker/api.Dockerfile -t tessera-api .
# For users; not built by the project's CI (no Docker engine there).

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-slim AS base
WORKDIR /app

# 1. Keep only what @tessera/api needs: its workspace, the packages it depends on, and a pruned
#    lockfile (json/ = manifests only, so the install layer is cached until a manifest changes).
FROM base AS prune
RUN npm install --global --no-audit --no-fund turbo@2.11.11
COPY . .
RUN turbo prune @tessera/api --docker

# 2. Install (with build tools for native modules when no prebuilt binary fits), build, then drop
#    the dev dependencies.
FROM base AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY --from=prune /app/out/json/ ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /app/out/full/ ./
COPY tsconfig.base.json ./
RUN npx turbo run build --filter=@tessera/api... \
  && npm prune --omit=dev --no-audit --no-fund

# 3. Runtime: Node only, non-root.
FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/packages ./packages
COPY --from=build --chown=node:node /app/apps ./apps
# Embedded mode (no DATABASE_URL) keeps its SQLite file and pepper here: mount a volume.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# A 64 MB young generation (instead of 16 MB): request objects die young instead of being
# promoted, which cut garbage-collection time per request about fourfold. No allocation-site
# pretenuring: after a burst of token requests it made protected calls' collections copy
# megabytes each (docs/decisions.md). Keep the flags in step with the root package.json "start"
# script.
CMD ["node", "--max-semi-space-size=64", "--no-allocation-site-pretenuring", "apps/api/dist/main.js"]
