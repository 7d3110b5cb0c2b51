import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{b as t}from"./chunk-RXDLDJ6U.js";import{b as o,c as r}from"./chunk-OCLEMS6T.js";import"./chunk-PKRO4ZAQ.js";import"./chunk-XKLZCFVR.js";import"./chunk-UINAH6AJ.js";import"./chunk-ZJFKFXMB.js";import"./chunk-EZNC3BTO.js";import"./chunk-IXXGFDI6.js";import"./chunk-LY5O4OWS.js";import"./chunk-EJ6A7YMS.js";import"./chunk-NGIQH7T5.js";import"./chunk-QY5RV7VY.js";var p=async({read:i,ctx:e,env:m})=>{let n=await o(r(i,t(m,e.homeDir)),e);return{outputs:{"deployment-id":n.deploymentId,endpoint:n.endpoint,url:n.url,changed:String(n.changed),issuers:n.issuers.join(`
`),audiences:n.audiences.join(`
`)}}};export{p as run};
