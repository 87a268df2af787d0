export { sendNotifications } from './send.js';
export type { SendOptions } from './send.js';
export { dingtalkSign, feishuSign } from './vendors.js';
