import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function e(n){return{"function-arn":n.functionArn,changed:String(n.changed),...n.invokeResult===void 0?{}:{"invoke-result":n.invokeResult}}}export{e as a};
