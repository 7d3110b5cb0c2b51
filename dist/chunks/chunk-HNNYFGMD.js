import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function e(n){return{"function-id":n.functionId,image:n.image,digest:n.digest,"invoke-endpoint":n.invokeEndpoint,changed:String(n.action!=="unchanged"),...n.invokeResponse===void 0?{}:{"invoke-response":n.invokeResponse},...n.previous?{"previous-image":n.previous.image}:{}}}export{e as a};
