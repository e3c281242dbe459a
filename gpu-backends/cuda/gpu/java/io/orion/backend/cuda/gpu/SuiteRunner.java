package io.orion.backend.cuda.gpu;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Runs named checks one after another, each isolated from the others' failures, and reports. */
final class SuiteRunner {
    interface Check {
        void run() throws Exception;
    }

    private final PrintStream out;
    private final List<String> failed = new ArrayList<>();
    private int passed;

    SuiteRunner(PrintStream out) {
        this.out = out;
    }

    void check(String name, Check check) {
        long t0 = System.nanoTime();
        try {
            check.run();
            passed++;
            out.printf("PASS  %-66s %7.1f ms%n", name, (System.nanoTime() - t0) / 1e6);
        } catch (Throwable t) {
            failed.add(name);
            String message = t instanceof Expect.Failure ? t.getMessage() : t.toString();
            out.printf("FAIL  %s: %s%n", name, message);
            if (!(t instanceof Expect.Failure)) {
                for (StackTraceElement e : t.getStackTrace()) {
                    out.println("        at " + e);
                    if (e.getClassName().startsWith(SuiteRunner.class.getPackageName())) break;
                }
            }
        }
        out.flush();
    }

    /** Something worth knowing that is not a pass or fail (e.g. what NVML could see). */
    void note(String text) {
        out.println("NOTE  " + text);
    }

    int passed() {
        return passed;
    }

    List<String> failed() {
        return List.copyOf(failed);
    }
}
