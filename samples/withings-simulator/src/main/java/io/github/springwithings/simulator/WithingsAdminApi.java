package io.github.springwithings.simulator;

import com.github.tomakehurst.wiremock.admin.Router;
import com.github.tomakehurst.wiremock.extension.AdminApiExtension;

/**
 * The simulator's HTTP admin API, so that an application or a test in another process can drive
 * it: WireMock admin routes under {@code /__admin/withings}, JSON in and out. Errors are answered
 * {@code 400} (or {@code 404} for an unknown user) with {@code {"error":"..."}}.
 *
 * <dl>
 * <dt>{@code GET /__admin/withings/state}</dt>
 * <dd>{@code {"baseUrl":..,"clock":{"instant":"2025-..Z","offset":"PT3H","offsetSeconds":10800},
 * "counters":{"nonceRequests":0,"authorizationCodeGrants":1,"refreshTokenGrants":0,"deadChainUses":0,
 * "tooManyRequests":0,"rejectedTokenRequests":0,"revocations":0,"recoveries":0,"dataRequests":2,
 * "unauthorizedDataRequests":0,"notifyRequests":0,"callbackProbes":0,"refusedCallbacks":0,
 * "notificationsSent":0,"notificationAttempts":0,"notificationsAcknowledged":0,"notificationsAbandoned":0,
 * "notificationsDropped":0,"actionlessRequests":0},
 * "faults":{"MEASURE":1},"consent":{"mode":"account","account":"alice","userId":"6..","deny":false,"page":true,
 * "accounts":{"alice":"6.."}},"notifications":{"subscriptions":1,"pendingAttempts":0}}}</dd>
 * <dt>{@code POST /__admin/withings/clock/advance}</dt>
 * <dd>{@code {"seconds":10800}} or {@code {"duration":"PT3H5M"}} (forward only); answers the clock.</dd>
 * <dt>{@code POST /__admin/withings/faults}</dt>
 * <dd>{@code {"endpoint":"OAUTH2","type":"httpStatus","status":502,"times":1,"afterProcessing":false}}: queue a
 * fault on the next request(s) to an endpoint ({@code AUTHORIZE}, {@code SIGNATURE}, {@code OAUTH2},
 * {@code MEASURE}, {@code NOTIFY} or its path, e.g. {@code /v2/oauth2}). Types: {@code httpStatus} ({@code status}),
 * {@code delay} ({@code millis} or {@code duration}), {@code nonJson}, {@code emptyBody},
 * {@code truncatedBody}, {@code connectionReset}, {@code withingsStatus} ({@code status}, {@code error}),
 * {@code tooManyRequests} ({@code waitSeconds}: the same arguments twice), {@code rateLimited}
 * ({@code waitSeconds}: the application's rate limit). {@code times} (default 1) queues that many;
 * {@code afterProcessing} lets Withings do the work first. Answers the pending faults.</dd>
 * <dt>{@code DELETE /__admin/withings/faults}</dt>
 * <dd>Forget the pending faults.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/revoke}</dt>
 * <dd>The user removes the application in Withings: all of that user's tokens die. {@code 404} when
 * nothing was ever issued to that user.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/step-on-scale}</dt>
 * <dd>{@code {"weightKg":72.5}}: {@link WithingsSimulator#stepOnScale}, a weight recorded now and appli 1
 * subscribers notified; answers {@code {"userId":..,"weightKg":72.5,"date":<unix s>,"notifications":1}}.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/unlink}</dt>
 * <dd>{@link WithingsSimulator#unlink}: the user's tokens die, subscriptions go, appli 46 subscribers get
 * {@code action=unlink}; answers {@code {"userId":..,"unlinked":true,"notifications":1}}, {@code 404} for a
 * user the simulator knows nothing of.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/notify}</dt>
 * <dd>{@code {"appli":44,"startdate":1735689600,"enddate":1735776000}} or
 * {@code {"appli":50,"date":"2025-01-31","deviceid":"abc"}} ({@code action} too):
 * {@link WithingsSimulator#notifyUser(String, int, Map)}; answers the number of notifications.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/activity}</dt>
 * <dd>{@code {"date":"2026-12-07","steps":1234}}: {@link WithingsSimulator#recordActivity}, the day's row
 * created or changed, modified now, appli 16 notified; answers {@code {"userId":..,"date":..,"steps":..,
 * "notifications":1}}.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/sleep}</dt>
 * <dd>{@code {"start":1765062000,"end":1765090800}} (Unix seconds): {@link WithingsSimulator#recordSleep}, appli 44
 * notified; answers {@code {"userId":..,"id":..,"notifications":1}}.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/workouts}</dt>
 * <dd>{@code {"category":1,"start":..,"end":..}}: {@link WithingsSimulator#recordWorkout}, appli 16 notified;
 * answers {@code {"userId":..,"id":..,"notifications":1}}.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/heart}</dt>
 * <dd>{@code {"timestamp":1765094400}}: {@link WithingsSimulator#recordHeartRecording}, appli 54 notified;
 * answers {@code {"userId":..,"signalid":..,"notifications":1}}.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/measures/{grpid}}</dt>
 * <dd>{@code {"weightKg":71.2}}: {@link WithingsSimulator#changeMeasure}, the group changed and modified now,
 * appli 1 notified; {@code 404} when the user has no such group.</dd>
 * <dt>{@code POST /__admin/withings/users/{userId}/drop-notifications}</dt>
 * <dd>{@code {"count":1}}: {@link WithingsSimulator#dropNotifications}; answers {@code {"userId":..,"count":1,
 * "dropped":0}} ({@code dropped}: how many were dropped so far, every user's).</dd>
 * <dt>{@code GET /__admin/withings/users/{userId}/subscriptions}</dt>
 * <dd>{@code {"userId":..,"subscriptions":[{"clientId":..,"appli":1,"callbackurl":..,"comment":..}]}}.</dd>
 * <dt>{@code GET /__admin/withings/notifications}</dt>
 * <dd>{@code {"subscriptions":1,"pendingAttempts":0,"deliveries":[{"notificationId":1,"attempt":1,
 * "clientId":..,"callbackurl":..,"userId":..,"appli":1,"fields":{"userid":..,"appli":"1",..},"sentAt":..,
 * "durationMillis":12,"httpStatus":200,"outcome":"ACKNOWLEDGED","error":null}]}}.</dd>
 * <dt>{@code POST /__admin/withings/consent}</dt>
 * <dd>Who consents next, and how, any of: {@code {"account":"alice"}} (a stable user id),
 * {@code {"userId":"363"}}, {@code {"newUser":true}} (the default: a new user per consent),
 * {@code {"deny":true}} (the user clicks Deny), {@code {"page":false}} (approve at once instead of
 * showing the form). Answers the consent state.</dd>
 * <dt>{@code GET /__admin/withings/accounts/{account}}</dt>
 * <dd>{@code {"account":"alice","userId":"6.."}}.</dd>
 * <dt>{@code POST /__admin/withings/reset}</dt>
 * <dd>{@link WithingsSimulator#reset()}; answers the state.</dd>
 * <dt>{@code POST /__admin/shutdown}</dt>
 * <dd>WireMock's own: stops the simulator.</dd>
 * </dl>
 *
 * <p>The routes live in {@link AdminStateRoutes}, {@link AdminUserRoutes},
 * {@link AdminNotificationRoutes} and {@link AdminDataRoutes}.
 */
final class WithingsAdminApi implements AdminApiExtension {

	static final String BASE = "/withings";

	private final AdminStateRoutes state;

	private final AdminUserRoutes users;

	private final AdminNotificationRoutes notifications;

	private final AdminDataRoutes data;

	WithingsAdminApi(WithingsSimulator simulator) {
		this.state = new AdminStateRoutes(simulator);
		this.users = new AdminUserRoutes(simulator);
		this.notifications = new AdminNotificationRoutes(simulator);
		this.data = new AdminDataRoutes(simulator);
	}

	@Override
	public String getName() {
		return "withings-simulator-admin";
	}

	@Override
	public void contributeAdminApiRoutes(Router router) {
		this.state.contribute(router);
		this.users.contribute(router);
		this.notifications.contribute(router);
		this.data.contribute(router);
	}

}
