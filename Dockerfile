# ksa as a container image, built the way a user installs it: the build stage makes the npm
# tarball (`npm ci && npm run build && npm pack`), the runtime stage installs only that tarball
# with `npm install -g` (runtime dependencies, no dev dependencies, no sources, no build tools).
# These are the commands test/e2e/install-tarball.test.ts runs; test/unit/dockerfile.test.ts
# checks that they stay the same.
#   docker build -t ksa .
#   docker run --rm --network host -e REDISCLI_AUTH ksa diagnose redis 127.0.0.1:6379
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Dependencies first: this layer is reused until the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm pack --pack-destination /pkg

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="ksa" \
      org.opencontainers.image.description="KubeStack AI middleware diagnostics CLI" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /pkg/ /tmp/pkg/
RUN npm install -g --prefer-offline --no-audit --no-fund /tmp/pkg/kubestack-ksa-*.tgz \
 && rm -rf /tmp/pkg \
 && npm cache clean --force
# The image's `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric UID.
USER 1000:1000
ENTRYPOINT ["ksa"]
CMD ["--help"]
