# Fireline's production images, both from one build:
#
#   docker build --target api    -t fireline-api .     # the HTTP API (port 3000)
#   docker build --target worker -t fireline-worker .  # the Temporal worker
#
# They hold the compiled code (dist/, with the pre-built workflow bundle) and the
# production dependencies only; configuration comes from the environment at run
# time (see config/index.ts and docs/deployment.md), never from files baked in.
# The local development stack's Go binaries (Temporal CLI, FerretDB) are not in them.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile, bundle the workflows, drop dev dependencies
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# Dependencies first, so this layer is reused until the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci
# The sources (.dockerignore keeps out node_modules, dist, tests, .git and .env files).
COPY . .
# tsc -p tsconfig.build.json, then dist/workflow-bundle.js, so workers start without webpack.
RUN npm run build \
  && test -f dist/workflow-bundle.js \
  && rm -f dist/.tsbuildinfo \
  && npm prune --omit=dev

# ---- runtime: what both images share
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# glibc's allocator: large blocks go back to the system when freed, two arenas (stack/node-env.ts says why).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
# Owned by root: the `node` user the processes run as can read the code but not change it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The worker's state directory (FIRELINE_STATE_DIR), writable by the processes; compose mounts a volume here.
RUN mkdir -p /var/lib/fireline && chown node:node /var/lib/fireline
USER node

# ---- worker: polls the task queue(s); needs TEMPORAL_ADDRESS and MONGODB_URI.
# Set WORKER_METRICS_PORT to serve Prometheus GET /metrics.
FROM runtime AS worker
CMD ["node", "dist/worker/main.js"]

# ---- api: the HTTP API; needs TEMPORAL_ADDRESS and MONGODB_URI. The default target.
FROM runtime AS api
EXPOSE 3000
# Liveness only (/healthz); /readyz also checks Temporal and MongoDB. The image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/api/main.js"]
