# Tessera in a container. Three stages: `deps` installs the production dependencies (with the
# compilers a native addon may need), `build` compiles the TypeScript, and `runtime` holds
# only those two results, running as a non-root user.
# test/packaging/production-install.test.ts runs these steps outside Docker (CI cannot build
# images), so keep each step a plain command.
#
#   docker build -t tessera .
#   docker run -p 3000:3000 -e TESSERA_ISSUER=http://localhost:3000 -e TESSERA_SECRET=... tessera

FROM node:20-slim AS deps
WORKDIR /app
# better-sqlite3 (SQLite on Node 20) compiles from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
COPY packages ./packages
# Production dependencies only. Scripts are skipped so the package's own `prepare` (tsc, a
# dev dependency) does not run; `npm rebuild` then runs the dependencies' install scripts.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
RUN npm rebuild
# i18next names TypeScript as an optional peer (for its typings), so npm marks the dev tools'
# TypeScript "devOptional" and --omit=dev keeps it. Nothing at runtime needs a compiler.
RUN rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages ./packages
# Compiling TypeScript needs no native addon: skip every install script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim AS runtime
ENV NODE_ENV=production
# Listen on every interface of the container, on the port EXPOSE names.
ENV HOST=0.0.0.0
ENV PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY locales ./locales
# `tessera` on the PATH; ./data holds the SQLite file and belongs to the user that runs.
RUN ln -s /app/bin/tessera.js /usr/local/bin/tessera && mkdir -p /app/data && chown node:node /app/data
VOLUME /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["tessera", "serve"]
