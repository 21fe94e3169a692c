import { defineSignal } from '@temporalio/workflow';
import type { PostmortemStatus } from '../../domain/postmortem';

/** The API tells the post-mortem workflow that the review moved on (it ends when published). */
export const postmortemStatusSignal = defineSignal<[PostmortemStatus]>('postmortemStatus');
