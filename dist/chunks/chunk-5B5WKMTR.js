import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{f as t,g as r}from"./chunk-XKB3LVPL.js";var o="restore-plan";function s(e){t(o,JSON.stringify(e))}function a(){let e=r(o);return e?JSON.parse(e):void 0}export{s as a,a as b};
