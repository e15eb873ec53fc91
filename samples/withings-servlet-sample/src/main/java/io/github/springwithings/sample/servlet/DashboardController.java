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
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The pages: home (sign in), dashboard (your weight, your notifications updated live, what the
 * starter did for you, your link), disconnect (asked first), signed out; and the embedded
 * simulator's controls.
 */
@Controller
class DashboardController {

	private final DashboardWeights weights;

	private final WithingsAuthorizedClients withingsAuthorizedClients;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final MeasurementSync sync;

	private final LatestNotifications notifications;

	private final NotificationSubscriptions subscriptions;

	private final DashboardUpdates updates;

	private final StarterActivity activity;

	private final ObjectProvider<WithingsSimulator> simulator;

	DashboardController(DashboardWeights weights, WithingsAuthorizedClients withingsAuthorizedClients,
			WithingsAuthorizedClientService authorizedClientService, MeasurementSync sync,
			LatestNotifications notifications, NotificationSubscriptions subscriptions, DashboardUpdates updates,
			StarterActivity activity, ObjectProvider<WithingsSimulator> simulator) {
		this.weights = weights;
		this.withingsAuthorizedClients = withingsAuthorizedClients;
		this.authorizedClientService = authorizedClientService;
		this.sync = sync;
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
		Instant now = Instant.now();
		// before the data call: a notification handled after it makes the page reload
		List<ReceivedNotification> notifications = this.notifications.of(authentication.getName());
		Instant withingsNow = this.weights.now();
		List<WeightChart.Weight> weights = this.weights.lastMonth(withingsNow);
		WithingsAuthorizedClient client = this.authorizedClientService.loadWithingsAuthorizedClient(registrationId,
				authentication.getName());
		model.addAttribute("principal", authentication.getName());
		if (client != null) {
			model.addAttribute("userId", client.getUserId());
			model.addAttribute("scopes", new TreeSet<>(client.getAuthorizedClient().getAccessToken().getScopes()));
			model.addAttribute("accessTokenExpires",
					Times.Moment.of(client.getAuthorizedClient().getAccessToken().getExpiresAt(), now));
			model.addAttribute("refreshTokenIssued", Times.Moment.of(client.getRefreshTokenIssuedAt(), now));
			this.activity.noticeRefreshToken(authentication.getName(), client.getRefreshTokenIssuedAt());
		}
		WeightChart chart = WeightChart.of(weights, withingsNow.minus(DashboardWeights.PERIOD), withingsNow);
		model.addAttribute("chart", chart);
		model.addAttribute("newestFirst", chart.newestFirst());
		model.addAttribute("headline", WeightHeadline.of(weights));
		model.addAttribute("width", WeightChart.WIDTH);
		model.addAttribute("height", WeightChart.HEIGHT);
		model.addAttribute("lastSync", Times.Moment.of(this.sync.lastSync(), now));
		// after the data call: a refresh it made is used here
		model.addAttribute("subscription", this.subscriptions.status(authentication.getName()));
		model.addAttribute("notifications", notifications);
		model.addAttribute("newestNotification", notifications.isEmpty() ? 0 : notifications.get(0).sequence());
		model.addAttribute("activity", this.activity.of(authentication.getName()));
		model.addAttribute("now", now);
		model.addAttribute("embedded", this.simulator.getIfAvailable() != null);
		return "dashboard";
	}

	/**
	 * The dashboard's live updates (Server-Sent Events), for the signed-in user only.
	 * @param after the newest notification the page shows
	 */
	@GetMapping(path = "/dashboard/updates", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@ResponseBody
	SseEmitter updates(Authentication authentication, @RequestParam(defaultValue = "0") long after) {
		return this.updates.open(authentication.getName(), after);
	}

	@PostMapping("/simulator/fast-forward")
	String fastForward() {
		WithingsSimulator embedded = this.simulator.getIfAvailable();
		if (embedded != null) {
			embedded.clock().advance(Duration.ofHours(3).plusMinutes(5));
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
			embedded.stepOnScale(authentication.getName(), nextWeight(this.weights.lastMonth(this.weights.now())));
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
