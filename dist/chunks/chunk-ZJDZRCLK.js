import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
var e=["oci","cloud-run","fc"];export{e as a};
