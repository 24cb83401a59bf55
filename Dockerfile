# One image for the api, every worker and the one-shot migrate service; docker-compose.yml picks
# the entry point per service.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The code stays root-owned and read-only to the app; the app writes only under /data, which it
# owns (a new named volume mounted there starts with this owner).
RUN mkdir -p /data && chown node:node /data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config ./config
COPY sql ./sql
# Shipped mappings (docs/mappings.md): read by the api and the ingestor by name.
COPY mappings ./mappings
# The node image's unprivileged user (uid 1000): a compromised process cannot write the code or
# the system. docker-compose adds tini as PID 1 (init: true) for signals and reaping.
USER node
CMD ["node", "dist/apps/api/src/main.js"]
