// Checks rendered manifests (helm template output, one file, many documents) against the
// Kubernetes OpenAPI schemas that kubernetes-models ships, compiled: wrong types, missing
// required fields, bad quantities. It also checks what the schemas cannot see: every object
// has a kind known to its apiVersion, names are valid, and the KubeSchedulerConfiguration
// in the scheduler's ConfigMap has the profile and extender the chart promises.
// Usage: node validate-manifests.mjs RENDERED.yaml RESOURCE_NAME SCHEDULER_NAME
// Prints one line per object; exits 1 when any is invalid.
import { readFileSync } from "node:fs";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [file, resourceName, schedulerName] = process.argv.slice(2);
// The packages live in the project's .tools/k8s (ci/tools.sh), not beside this script.
const require = createRequire(process.env.ORION_K8S_TOOLS + "/package.json");
const YAML = require("yaml");
const docs = YAML.parseAllDocuments(readFileSync(file, "utf8")).map(d => d.toJS()).filter(d => d);
let bad = 0;
const fail = (what, why) => { bad++; console.log(`INVALID ${what}: ${why}`); };

for (const obj of docs) {
  const what = `${obj.kind}/${obj.metadata?.name}`;
  const gv = obj.apiVersion ?? "";
  // kubernetes-models is ES modules only: import its group-version index by file.
  const index = `${process.env.ORION_K8S_TOOLS}/node_modules/kubernetes-models/${gv}/index.js`;
  if (!gv || gv.includes("..") || !existsSync(index)) { fail(what, `unknown apiVersion ${gv}`); continue; }
  const mod = await import(pathToFileURL(index).href);
  const Model = mod[obj.kind];
  if (!Model) { fail(what, `${gv} has no kind ${obj.kind}`); continue; }
  try {
    new Model(obj).validate();
  } catch (e) {
    fail(what, e.message.replace(/\s+/g, " "));
    continue;
  }
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(obj.metadata.name)) { fail(what, "name is not a DNS-1123 subdomain"); continue; }
  if (obj.kind === "ConfigMap" && obj.data?.["scheduler-config.yaml"]) {
    const c = YAML.parse(obj.data["scheduler-config.yaml"]);
    const ext = c.extenders?.[0];
    if (c.apiVersion !== "kubescheduler.config.k8s.io/v1" || c.kind !== "KubeSchedulerConfiguration") fail(what, "not a KubeSchedulerConfiguration v1");
    else if (c.profiles?.[0]?.schedulerName !== schedulerName) fail(what, `profile is not ${schedulerName}`);
    else if (!ext || !ext.filterVerb || !ext.bindVerb || !ext.urlPrefix) fail(what, "extender lacks urlPrefix, filterVerb or bindVerb");
    else if (ext.managedResources?.[0]?.name !== resourceName) fail(what, `extender does not manage ${resourceName}`);
    else console.log(`ok ${what} (KubeSchedulerConfiguration: profile ${schedulerName}, extender ${ext.urlPrefix})`);
    continue;
  }
  console.log(`ok ${what}`);
}
console.log(`${docs.length} objects, ${bad} invalid`);
process.exit(bad === 0 && docs.length > 0 ? 0 : 1);
