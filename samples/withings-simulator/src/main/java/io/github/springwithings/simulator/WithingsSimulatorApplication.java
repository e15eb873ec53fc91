package io.github.springwithings.simulator;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.common.FatalStartupException;

/**
 * Runs the simulator on its own, for an application started by hand or tests in another process.
 * From a clone of the project:
 *
 * <pre class="code">
 * ./mvnw -B -q -f samples/withings-simulator compile exec:java
 * ./mvnw -B -q -f samples/withings-simulator compile exec:java -Dexec.args="--port=0 --auto-approve"
 * </pre>
 *
 * <p>Options: {@code --port=8090} ({@code 0} for a free port), {@code --client-id=} and
 * {@code --client-secret=} (default {@value WithingsSimulator#DEFAULT_CLIENT_ID} and
 * {@value WithingsSimulator#DEFAULT_CLIENT_SECRET}), {@code --auto-approve} (approve at once instead
 * of showing the consent form, where a person types an account name and clicks Allow or Deny),
 * {@code --help}.
 *
 * <p>On start it prints its base URL, the client credentials, the admin API and the properties to
 * paste into an application. It stops on Ctrl-C and on {@code POST /__admin/shutdown}. The admin
 * API under {@code /__admin/withings} is described on {@link WithingsSimulator}.
 */
public final class WithingsSimulatorApplication {

	static final int DEFAULT_PORT = 8090;

	static final String STOPPED = "Withings simulator stopped";

	static final String USAGE = """
			Usage: WithingsSimulatorApplication [--port=8090] [--client-id=ID --client-secret=SECRET] [--auto-approve]
			  --port           port to listen on, on 127.0.0.1 (0 for a free port; default 8090)
			  --client-id      client id of the application (default simulator-client-id)
			  --client-secret  its secret (default simulator-client-secret)
			  --auto-approve   approve every consent at once, a new user each time, instead of
			                   showing the consent form
			With Maven: ./mvnw -B -q -f samples/withings-simulator compile exec:java -Dexec.args="--port=0"
			""";

	private WithingsSimulatorApplication() {
	}

	/**
	 * Start the simulator and wait until it is stopped (Ctrl-C or {@code POST /__admin/shutdown}).
	 * @param args the options
	 * @throws InterruptedException when interrupted while waiting
	 */
	public static void main(String[] args) throws InterruptedException {
		AtomicReference<Thread> stopOnExit = new AtomicReference<>();
		WithingsSimulator simulator;
		try {
			// the hook is in place before the banner: Ctrl-C as soon as it shows stops cleanly
			simulator = start(args, System.out, (started) -> {
				stopOnExit.set(new Thread(() -> {
					started.stop();
					System.out.println(STOPPED);
				}, "withings-simulator-shutdown"));
				Runtime.getRuntime().addShutdownHook(stopOnExit.get());
			});
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(USAGE);
			System.exit(2);
			return;
		}
		catch (FatalStartupException ex) {
			System.err.println("The Withings simulator could not start: " + ex.getMessage());
			System.exit(1);
			return;
		}
		if (simulator == null) {
			return;
		}
		simulator.awaitStop();
		try {
			Runtime.getRuntime().removeShutdownHook(stopOnExit.get());
			System.out.println(STOPPED);
		}
		catch (IllegalStateException ex) {
			// Ctrl-C: the JVM is shutting down and the hook says it
		}
	}

	/**
	 * Start the simulator as {@link #main} does and print how to use it, without waiting.
	 * @param args the options
	 * @param out where to print
	 * @return the running simulator, or {@code null} when only {@code --help} was asked
	 * @throws IllegalArgumentException on an unknown or malformed option
	 */
	public static WithingsSimulator start(String[] args, PrintStream out) {
		return start(args, out, (started) -> {
		});
	}

	private static WithingsSimulator start(String[] args, PrintStream out, Consumer<WithingsSimulator> beforePrint) {
		WithingsSimulator.requireNonNull(args, "args");
		WithingsSimulator.requireNonNull(out, "out");
		Map<String, String> options = parse(args);
		if (options.containsKey("help")) {
			out.print(USAGE);
			return null;
		}
		int port = port(options.getOrDefault("port", String.valueOf(DEFAULT_PORT)));
		String clientId = options.getOrDefault("client-id", WithingsSimulator.DEFAULT_CLIENT_ID);
		String clientSecret = options.getOrDefault("client-secret", WithingsSimulator.DEFAULT_CLIENT_SECRET);
		if (options.containsKey("client-id") != options.containsKey("client-secret")) {
			throw new IllegalArgumentException("--client-id and --client-secret go together");
		}
		WithingsSimulator.requireText(clientId, "--client-id");
		WithingsSimulator.requireText(clientSecret, "--client-secret");
		WithingsSimulator simulator = WithingsSimulator.start(port, !options.containsKey("auto-approve"));
		simulator.registerClient(clientId, clientSecret);
		beforePrint.accept(simulator);
		print(simulator, clientId, clientSecret, out);
		return simulator;
	}

	private static Map<String, String> parse(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (arg == null || arg.isBlank()) {
				continue;
			}
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unknown argument: " + arg);
			}
			int equals = arg.indexOf('=');
			String name = (equals > 0) ? arg.substring(2, equals) : arg.substring(2);
			String value = (equals > 0) ? arg.substring(equals + 1) : null;
			boolean flag = name.equals("auto-approve") || name.equals("help");
			boolean valued = name.equals("port") || name.equals("client-id") || name.equals("client-secret");
			if (!flag && !valued) {
				throw new IllegalArgumentException("Unknown option: --" + name);
			}
			if (valued && value == null) {
				throw new IllegalArgumentException("--" + name + " needs a value: --" + name + "=...");
			}
			if (flag && value != null) {
				throw new IllegalArgumentException("--" + name + " takes no value");
			}
			options.put(name, value);
		}
		return options;
	}

	private static int port(String value) {
		try {
			int port = Integer.parseInt(value);
			if (port < 0 || port > 65535) {
				throw new NumberFormatException();
			}
			return port;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--port must be a number between 0 and 65535");
		}
	}

	private static void print(WithingsSimulator simulator, String clientId, String clientSecret, PrintStream out) {
		String baseUrl = simulator.baseUrl();
		String consent = simulator.isConsentPage()
				? "a form: an account name, always the same Withings user id for the same name; Allow or Deny"
				: "approves at once, a new Withings user each time";
		out.println("Withings simulator running");
		out.println();
		out.println("  base URL       " + baseUrl);
		out.println("  client id      " + clientId);
		out.println("  client secret  " + clientSecret);
		out.println("  consent page   " + baseUrl + SimulatorEndpoint.AUTHORIZE.path() + " (" + consent + ")");
		out.println("  admin API      " + baseUrl + "/__admin/withings (e.g. curl " + baseUrl
				+ "/__admin/withings/state)");
		out.println("  stop           Ctrl-C, or curl -X POST " + baseUrl + "/__admin/shutdown");
		out.println();
		out.println("Paste into your application's application.properties (any redirect URI is accepted):");
		out.println();
		out.println("spring.security.oauth2.client.registration.withings.client-id=" + clientId);
		out.println("spring.security.oauth2.client.registration.withings.client-secret=" + clientSecret);
		out.println("withings.api-base-uri=" + baseUrl);
		out.println("withings.account-base-uri=" + baseUrl);
		out.println();
		out.flush();
	}

}
