import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function n(s,t="login.microsoftonline.com"){return{v1:`https://sts.windows.net/${s}/`,v2:`https://${t}/${s}/v2.0`}}export{n as a};
