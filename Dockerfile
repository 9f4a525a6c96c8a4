# syntax=docker/dockerfile:1
# sitewatch: build with the dev tools, run with production dependencies only, as a non-root user.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# sqlite3 builds its native addon from source
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM deps AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY scripts ./scripts
COPY migrations ./migrations
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    TCP_HOST=0.0.0.0 \
    MQTT_HOST=0.0.0.0 \
    DATABASE_PATH=/data/sitewatch.sqlite \
    ACTIVITY_LOG_FILE=/data/activity_log.txt
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node views ./views
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8000 12345 1883
HEALTHCHECK --interval=15s --timeout=3s \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/main.js"]
