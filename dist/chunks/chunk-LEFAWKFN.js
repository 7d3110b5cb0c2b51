import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
var p="FNGATE_OCIR_TOKEN_LOGIN";function a(t){let e=t[p]?.trim();if(e)try{let n=JSON.parse(e),{registry:r,namespace:i,regionId:s,expiresAt:c}=n;if([r,i,s,c].every(o=>typeof o=="string"&&o!==""))return n}catch{}}export{p as a,a as b};
