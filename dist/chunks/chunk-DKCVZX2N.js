import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function n(e){return{"deployment-id":e.deploymentId,endpoint:e.endpoint,url:e.url,changed:String(e.changed),issuers:e.issuers.join(`
`),audiences:e.audiences.join(`
`)}}export{n as a};
