import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a as i}from"./chunk-HPBD3JRV.js";async function c(t,r){let e=await t.run(["build","--help"],r?{signal:r}:{});if(e.code!==0){let o=`${e.stderr}
${e.stdout}`.trim().split(`
`)[0]?.trim()||`exit ${e.code}`;throw new i(`docker build cannot run here (${o}): install the docker buildx plugin, or unset DOCKER_BUILDKIT to use the legacy builder.`)}return l(`${e.stdout}
${e.stderr}`)}function l(t){let r=n=>new RegExp(`^\\s+(?:-\\w, )?--${n}\\b`,"m").test(t),e=[...r("provenance")?["--provenance=false"]:[],...r("sbom")?["--sbom=false"]:[]];return{builder:/^Usage:\s+docker buildx (build|b)\b/m.test(t)||e.length>0?"buildx":"legacy",flags:e}}export{c as a,l as b};
