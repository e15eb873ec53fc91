package io.github.springwithings.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClient;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClients;
import io.github.springwithings.simulator.WithingsSimulator;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The pages: home (sign in), dashboard (who you are, your tokens, your weight), signed out.
 */
@Controller
class DashboardController {

	private final WithingsApi withingsApi;

	private final WithingsAuthorizedClients withingsAuthorizedClients;

	private final WithingsAuthorizedClientService authorizedClientService;

	private final MeasurementSync sync;

	private final ObjectProvider<WithingsSimulator> simulator;

	DashboardController(WithingsApi withingsApi, WithingsAuthorizedClients withingsAuthorizedClients,
			WithingsAuthorizedClientService authorizedClientService, MeasurementSync sync,
			ObjectProvider<WithingsSimulator> simulator) {
		this.withingsApi = withingsApi;
		this.withingsAuthorizedClients = withingsAuthorizedClients;
		this.authorizedClientService = authorizedClientService;
		this.sync = sync;
		this.simulator = simulator;
	}

	@GetMapping("/")
	String home(Authentication authentication, Model model) {
		if (authentication != null && authentication.isAuthenticated()) {
			return "redirect:/dashboard";
		}
		model.addAttribute("embedded", this.simulator.getIfAvailable() != null);
		return "index";
	}

	@GetMapping("/dashboard")
	String dashboard(Authentication authentication, Model model) {
		String registrationId = this.withingsAuthorizedClients.getDefaultRegistrationId();
		Instant now = Instant.now();
		List<WeightChart.Weight> weights = this.withingsApi.getMeasures(now.minus(Duration.ofDays(30)), now, WithingsMeasure.WEIGHT)
			.groups()
			.stream()
			.flatMap((group) -> group.measure(WithingsMeasure.WEIGHT)
				.map((measure) -> new WeightChart.Weight(group.date(), measure.value()))
				.stream())
			.toList();
		WithingsAuthorizedClient client = this.authorizedClientService.loadWithingsAuthorizedClient(registrationId,
				authentication.getName());
		model.addAttribute("principal", authentication.getName());
		if (client != null) {
			model.addAttribute("userId", client.getUserId());
			model.addAttribute("scopes", new TreeSet<>(client.getAuthorizedClient().getAccessToken().getScopes()));
			model.addAttribute("accessTokenExpiresAt", client.getAuthorizedClient().getAccessToken().getExpiresAt());
			model.addAttribute("refreshTokenAge", (client.getRefreshTokenIssuedAt() != null)
					? age(Duration.between(client.getRefreshTokenIssuedAt(), now)) : "unknown");
		}
		model.addAttribute("chart", WeightChart.of(weights));
		model.addAttribute("width", WeightChart.WIDTH);
		model.addAttribute("height", WeightChart.HEIGHT);
		model.addAttribute("lastSync", this.sync.lastSync());
		model.addAttribute("embedded", this.simulator.getIfAvailable() != null);
		return "dashboard";
	}

	private static String age(Duration age) {
		return age.toDays() + " d " + age.toHoursPart() + " h " + age.toMinutesPart() + " min";
	}

	@PostMapping("/simulator/fast-forward")
	String fastForward() {
		WithingsSimulator embedded = this.simulator.getIfAvailable();
		if (embedded != null) {
			embedded.clock().advance(Duration.ofHours(3).plusMinutes(5));
		}
		return "redirect:/dashboard";
	}

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
