package io.github.springwithings.simulator;

/**
 * A notification subscription, as {@code /notify action=subscribe} made it: one application
 * (client id), one user, one {@code appli} category, one callback URL.
 *
 * @param clientId the application that subscribed (from the access token)
 * @param userId the Withings user (from the access token)
 * @param appli the notification category, e.g. {@code 1} (weight) or {@code 46} (user actions)
 * @param callbackUrl the URL the notifications are POSTed to
 * @param comment the comment given on subscribe or update, or {@code null}
 * @see WithingsSimulator#subscriptions(String)
 */
public record SimulatorSubscription(String clientId, String userId, int appli, String callbackUrl, String comment) {

}
