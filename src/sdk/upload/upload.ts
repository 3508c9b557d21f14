import { uploadToBox } from './box.js';
import { uploadToDropbox } from './dropbox.js';
import { uploadToGoogleDrive } from './google-drive.js';
import { uploadToOneDrive } from './onedrive.js';
import type {
  AccessTokenSource,
  UploadEnvironment,
  UploaderKind,
  UploadOptions,
  UploadResult,
} from './types.js';

const uploaders = {
  dropbox: uploadToDropbox,
  onedrive: uploadToOneDrive,
  'google-drive': uploadToGoogleDrive,
  box: uploadToBox,
} satisfies Record<UploaderKind, unknown>;

/** Uploads with the uploader of `kind`. */
export function upload(
  kind: UploaderKind,
  tokens: AccessTokenSource,
  options: UploadOptions,
  env: UploadEnvironment,
): Promise<UploadResult> {
  return uploaders[kind](tokens, options, env);
}
