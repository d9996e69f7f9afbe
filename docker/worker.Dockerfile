# syntax=docker/dockerfile:1
# Tessera worker image (reminders and alerts, BullMQ). Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t tessera-worker .
# For users; not built by the project's CI (no Docker engine there).

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-slim AS base
WORKDIR /app

# 1. Keep only what @tessera/worker needs: its workspace, the packages it depends on, and a pruned
#    lockfile (json/ = manifests only, so the install layer is cached until a manifest changes).
FROM base AS prune
RUN npm install --global --no-audit --no-fund turbo@2.11.11
COPY . .
RUN turbo prune @tessera/worker --docker

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
RUN npx turbo run build --filter=@tessera/worker... \
  && npm prune --omit=dev --no-audit --no-fund

# 3. Runtime: Node only, non-root. Needs DATABASE_URL, REDIS_URL and TESSERA_PEPPER (the API's),
#    and SMTP_URL for e-mail contacts.
FROM base AS runtime
ENV NODE_ENV=production
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/packages ./packages
COPY --from=build --chown=node:node /app/apps ./apps
USER node
CMD ["node", "apps/worker/dist/main.js"]
