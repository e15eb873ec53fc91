/**
 * Withings notifications (webhooks): the callback endpoint on both web stacks, and
 * {@link io.github.springwithings.notify.WithingsNotificationEvent}, which applications consume
 * with {@code @EventListener}.
 */
package io.github.springwithings.notify;
