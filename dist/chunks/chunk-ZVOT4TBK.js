import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function n(e){let{claims:s}=e;return{issuer:s.issuer,audience:s.audience,email:s.email,subject:s.subject,"expires-on":s.expiresOn.toISOString()}}function t(e){return{email:e.email,...e.expiresOn?{"expires-on":e.expiresOn.toISOString()}:{}}}export{n as a,t as b};
