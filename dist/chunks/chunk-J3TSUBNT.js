import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function t(n){let{claims:e}=n;return{"expires-on":n.expiresOn.toISOString(),issuer:e.issuer,audience:e.audience,version:e.version,roles:e.roles.join(","),"tenant-id":e.tenantId}}export{t as a};
