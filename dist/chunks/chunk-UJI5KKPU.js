import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function r(n){for(let o of["FNGATE_GIT_SHA","GITHUB_SHA","CI_COMMIT_SHA","GIT_COMMIT","BUILD_SOURCEVERSION"]){let t=n[o]?.trim();if(t)return{gitSha:t}}return{}}export{r as a};
