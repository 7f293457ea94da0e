export { planCopy } from "./plan";
export { executeCopy, verifyCopy, type CopyProgress } from "./execute";
