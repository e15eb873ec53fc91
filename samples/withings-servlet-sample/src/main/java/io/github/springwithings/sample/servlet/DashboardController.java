package io.github.springwithings.sample.servlet;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.simulator.WithingsSimulator;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The pages: home (sign in), dashboard (your weight as the data sync stored it, your
 * notifications, the page updated live, what the starter did for you, your link), disconnect
 * (asked first), signed out; and the embedded simulator's controls.
 */
@Controller
class DashboardController {

	private final DashboardWeights weights;

	private final WithingsAuthorizedClients withingsAuthorizedClients;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final LatestNotifications notifications;

	private final NotificationSubscriptions subscriptions;

	private final DashboardUpdates updates;

	private final StarterActivity activity;

	private final ObjectProvider<WithingsSimulator> simulator;

	DashboardController(DashboardWeights weights, WithingsAuthorizedClients withingsAuthorizedClients,
			WithingsAuthorizedClientService authorizedClientService, LatestNotifications notifications, NotificationSubscriptions subscriptions, DashboardUpdates updates,
			StarterActivity activity, ObjectProvider<WithingsSimulator> simulator) {
		this.weights = weights;
		this.withingsAuthorizedClients = withingsAuthorizedClients;
		this.authorizedClientService = authorizedClientService;
		this.notifications = notifications;
		this.subscriptions = subscriptions;
		this.updates = updates;
		this.activity = activity;
		this.simulator = simulator;
	}

	@GetMapping("/")
	String home(Authentication authentication, @RequestParam(name = "denied", required = false) String denied,
			@RequestParam(name = "signed-out", required = false) String signedOut, Model model) {
		if (authentication != null && authentication.isAuthenticated()) {
			return "redirect:/dashboard";
		}
		model.addAttribute("denied", denied != null);
		model.addAttribute("signedOut", signedOut != null);
		model.addAttribute("embedded", this.simulator.getIfAvailable() != null);
		return "index";
	}

	@GetMapping("/dashboard")
	String dashboard(Authentication authentication, Model model) {
		String registrationId = this.withingsAuthorizedClients.getDefaultRegistrationId();
		String principalName = authentication.getName();
		WithingsAuthorizedClient client = this.authorizedClientService.loadWithingsAuthorizedClient(registrationId,
				principalName);
		if (client == null) {
			// the link ended (Withings refused it, or the user removed this application): sign in again
			throw new ClientAuthorizationRequiredException(registrationId);
		}
		Instant now = Instant.now();
		// before the data: an update pushed after it makes the page reload
		long newestUpdate = this.updates.newest(principalName);
		List<ReceivedNotification> notifications = this.notifications.of(principalName);
		Instant withingsNow = this.weights.now();
		// the sync's state before the weights: a fetch whose weights are read here is then already stored
		SyncState sync = this.weights.syncState(registrationId, client.getUserId(), withingsNow);
		List<WeightChart.Weight> weights = this.weights.lastMonth(principalName, withingsNow);
		model.addAttribute("principal", principalName);
		model.addAttribute("userId", client.getUserId());
		model.addAttribute("scopes", new TreeSet<>(client.getAuthorizedClient().getAccessToken().getScopes()));
		model.addAttribute("accessTokenExpires",
				Times.Moment.of(client.getAuthorizedClient().getAccessToken().getExpiresAt(), now));
		model.addAttribute("refreshTokenIssued", Times.Moment.of(client.getRefreshTokenIssuedAt(), now));
		WeightChart chart = WeightChart.of(weights, withingsNow.minus(DashboardWeights.PERIOD), withingsNow);
		model.addAttribute("chart", chart);
		model.addAttribute("newestFirst", chart.newestFirst());
		model.addAttribute("headline", WeightHeadline.of(weights));
		model.addAttribute("width", WeightChart.WIDTH);
		model.addAttribute("height", WeightChart.HEIGHT);
		model.addAttribute("sync", sync);
		model.addAttribute("subscription", this.subscriptions.status(principalName));
		model.addAttribute("notifications", notifications);
		model.addAttribute("newestUpdate", newestUpdate);
		model.addAttribute("activity", this.activity.of(principalName));
		model.addAttribute("now", now);
		model.addAttribute("embedded", this.simulator.getIfAvailable() != null);
		return "dashboard";
	}

	/**
	 * The dashboard's live updates (Server-Sent Events), for the signed-in user only.
	 * @param after the newest update the page was rendered after
	 */
	@GetMapping(path = "/dashboard/updates", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@ResponseBody
	SseEmitter updates(Authentication authentication, @RequestParam(defaultValue = "0") long after) {
		return this.updates.open(authentication.getName(), after);
	}

	/**
	 * Three hours pass for the embedded simulator, and so for the sync, which runs on its clock
	 * ({@link EmbeddedWithings}): the access token expires at Withings and the backstop comes due
	 * ({@code withings.sync.backstop-period}). The fetches due are run at once rather than at the
	 * sync's next look: the first of the user's is refused by Withings, and the starter refreshes.
	 */
	@PostMapping("/simulator/fast-forward")
	String fastForward() {
		WithingsSimulator embedded = this.simulator.getIfAvailable();
		if (embedded != null) {
			embedded.clock().advance(Duration.ofHours(3).plusMinutes(5));
			this.weights.fetchDueNow();
		}
		return "redirect:/dashboard";
	}

	/**
	 * The signed-in user steps on the embedded simulator's scale: a weight near the last one is
	 * recorded, and the simulator notifies every subscribed callback, as Withings does.
	 */
	@PostMapping("/simulator/step-on-scale")
	String stepOnScale(Authentication authentication) {
		WithingsSimulator embedded = this.simulator.getIfAvailable();
		if (embedded != null) {
			embedded.stepOnScale(authentication.getName(), nextWeight(
					this.weights.lastMonth(authentication.getName(), this.weights.now())));
		}
		return "redirect:/dashboard";
	}

	/** A tenth to half a kilogram up or down from the last weight, to a tenth. */
	static double nextWeight(List<WeightChart.Weight> weights) {
		BigDecimal last = weights.stream()
			.max(Comparator.comparing(WeightChart.Weight::date))
			.map(WeightChart.Weight::kilograms)
			.orElse(BigDecimal.valueOf(70));
		int tenths = ThreadLocalRandom.current().nextInt(1, 6) * (ThreadLocalRandom.current().nextBoolean() ? 1 : -1);
		return last.add(BigDecimal.valueOf(tenths, 1)).setScale(1, RoundingMode.HALF_UP).doubleValue();
	}

	/** Asks first: what a disconnect does, and a way back. */
	@GetMapping("/disconnect")
	String confirmDisconnect() {
		return "disconnect";
	}

	/**
	 * Revokes the user at Withings and removes the link (the starter), which deletes what the
	 * sample kept of the user (its listeners of the starter's event), then signs the user out.
	 */
	@PostMapping("/disconnect")
	String disconnect(Authentication authentication, HttpServletRequest request) throws ServletException {
		this.withingsAuthorizedClients.disconnect(authentication.getName());
		request.logout();
		return "redirect:/signed-out";
	}

	@GetMapping("/signed-out")
	String signedOut() {
		return "signed-out";
	}

}
