export { type AccessToken, type Connection, Custodian, type CustodianOptions, type Page } from './client.js';
export { CustodianError, type CustodianErrorCode } from './errors.js';
export { uploadToBox } from './upload/box.js';
export { uploadToDropbox } from './upload/dropbox.js';
export { uploadToGoogleDrive } from './upload/google-drive.js';
export { uploadToOneDrive } from './upload/onedrive.js';
export type {
  AccessTokenSource,
  UploadBody,
  UploadEnvironment,
  UploaderKind,
  UploadOptions,
  UploadProgress,
  UploadResult,
} from './upload/types.js';
export type { WebhookAccount, WebhookEvent, WebhookEventType } from './webhook-events.js';
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from './webhooks.js';
