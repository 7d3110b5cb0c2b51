import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{d as t}from"./chunk-SG4YJS67.js";var e=t("fn-context-restore-plan"),r=t("ocir-login-cleanup");export{e as a,r as b};
