import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function i(e){return{registry:e.registry,username:e.username,namespace:e.namespace,"image-prefix":e.imagePrefix,"token-expires-at":e.tokenLogin?.expiresAt??""}}export{i as a};
