# Test-only stand-ins for mongo:7, mailhog/mailhog and jaegertracing/all-in-one, built from the project's development servers.
# Context: the repository root, with --ignorefile project/containers/standins/standins.dockerignore.
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund \
  && npx tsc -b project/mongo-standin project/smtp-catcher project/trace-catcher
# Only what the three servers load at run time (their test-only devDependencies stay out).
RUN npm pkg delete devDependencies --workspace project/mongo-standin --workspace project/smtp-catcher \
    --workspace project/trace-catcher --workspace toolbox --workspace proto \
  && rm -rf node_modules \
  && npm ci --omit=dev --no-audit --no-fund --include-workspace-root=false \
    --workspace project/mongo-standin --workspace project/smtp-catcher --workspace project/trace-catcher \
    --workspace toolbox --workspace proto

FROM node:24.22.3-bookworm-slim AS mongo
WORKDIR /app
COPY --from=build /app /app
COPY project/containers/standins/mongo/entrypoint.sh /usr/local/bin/mongo-standin
COPY project/containers/standins/mongo/mongosh /usr/local/bin/mongosh
VOLUME /data/db
EXPOSE 27017
ENTRYPOINT ["mongo-standin"]

FROM node:24.22.3-bookworm-slim AS mailhog
# The compose healthcheck asks the web UI with wget.
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wget \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV SMTP_CATCHER_HOST=0.0.0.0 SMTP_CATCHER_SMTP_PORT=1025 SMTP_CATCHER_WEB_PORT=8025
EXPOSE 1025 8025
CMD ["node", "/app/project/smtp-catcher/dist/main.js"]

FROM node:24.22.3-bookworm-slim AS jaeger
# The compose healthcheck asks the web UI with wget, as it asks Jaeger's.
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wget \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
# Jaeger's ports: OTLP/HTTP in on 4318, the UI and its query API (/api/traces) on 16686.
ENV TRACE_CATCHER_HOST=0.0.0.0 TRACE_CATCHER_OTLP_PORT=4318 TRACE_CATCHER_WEB_PORT=16686
EXPOSE 4318 16686
CMD ["node", "/app/project/trace-catcher/dist/main.js"]
