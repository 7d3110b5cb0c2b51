import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a as s}from"./chunk-3YPMEYDR.js";import{a as o}from"./chunk-BJUUWP47.js";import{d as n}from"./chunk-QY5RV7VY.js";var e=n(s(),1);function r(i){let t=o(i,60);return{deployments:t.make(e.DeploymentClient),workRequests:t.make(e.WorkRequestsClient),close:()=>t.close()}}export{r as a};
