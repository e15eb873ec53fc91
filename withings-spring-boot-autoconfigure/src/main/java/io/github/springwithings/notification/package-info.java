/**
 * Withings notifications (webhooks): the callback endpoint on both web stacks,
 * {@link io.github.springwithings.notification.WithingsNotificationEvent}, which applications consume
 * with {@code @EventListener}, and the users' subscriptions
 * ({@link io.github.springwithings.notification.WithingsNotifications}, subscribe-on-link).
 */
package io.github.springwithings.notification;
