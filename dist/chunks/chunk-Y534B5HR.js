import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function n(e){return{...e.endpoints.oci?{endpoint:e.endpoints.oci}:{},...e.signal?{signal:e.signal}:{},...e.proxyRefusal?{proxyRefusal:e.proxyRefusal}:{}}}export{n as a};
