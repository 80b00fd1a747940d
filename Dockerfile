# saprobe's image: the npm package installed with production dependencies only, on a distroless
# Node.js runtime (no shell, no package manager), running as a non-root user. It writes nothing but
# the --out directory, so it runs with a read-only root filesystem (see deploy/).
#
# The test test/shipping/package.cli.test.ts builds the same layout without Docker: npm pack, then a
# production install of the tarball under a prefix, then runs the CLI from it.

ARG NODE_MAJOR=22

# 1. Build: compile TypeScript and pack the package exactly as npm would publish it.
FROM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY scripts/bundle.mjs ./scripts/bundle.mjs
COPY scripts/bundle-packs.mjs ./scripts/bundle-packs.mjs
COPY scripts/undici-in-bundle.cjs ./scripts/undici-in-bundle.cjs
COPY scripts/code-cache.cjs ./scripts/code-cache.cjs
COPY checks ./checks
COPY schemas ./schemas
COPY reports/report.schema.json ./reports/report.schema.json
RUN npm run build \
 && mkdir -p /tmp/package \
 && npm pack --ignore-scripts --pack-destination /tmp/package \
 && mv /tmp/package/saprobe-*.tgz /tmp/package/saprobe.tgz

# 2. Install: the tarball with production dependencies only, under /opt/saprobe.
FROM node:${NODE_MAJOR}-bookworm-slim AS install
COPY --from=build /tmp/package/saprobe.tgz /tmp/saprobe.tgz
RUN npm install --global --prefix /opt/saprobe --omit=dev --ignore-scripts --no-audit --no-fund /tmp/saprobe.tgz \
 && /opt/saprobe/bin/saprobe --version

# 3. Runtime: distroless Node.js. The one file added to it is /usr/bin/env, which the package's
# `#!/usr/bin/env node` entry point needs; it is not a shell.
FROM gcr.io/distroless/nodejs${NODE_MAJOR}-debian12:nonroot
COPY --from=install /usr/bin/env /usr/bin/env
COPY --from=install /opt/saprobe /opt/saprobe
ENV PATH=/opt/saprobe/bin:/nodejs/bin:/usr/local/bin:/usr/bin:/bin \
    NODE_ENV=production \
    NO_UPDATE_NOTIFIER=1
# Numeric, so Kubernetes can verify runAsNonRoot without resolving a user name.
USER 65532:65532
WORKDIR /reports
ENTRYPOINT ["saprobe"]
CMD ["--help"]
