package io.orion.api.backend;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A CUDA driver error ({@code CUresult}). The codes are CUDA's own, so they cross the wire and
 * reach the program unchanged; a code this class has no name for keeps its number.
 *
 * @param code    the {@code CUresult} value
 * @param name    its name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}
 * @param message what it means
 */
public record CudaError(int code, String name, String message) {

    public static final CudaError SUCCESS = new CudaError(0, "CUDA_SUCCESS", "no error");
    public static final CudaError INVALID_VALUE = new CudaError(1, "CUDA_ERROR_INVALID_VALUE", "invalid argument");
    public static final CudaError OUT_OF_MEMORY = new CudaError(2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");
    public static final CudaError NOT_INITIALIZED = new CudaError(3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error");
    public static final CudaError DEINITIALIZED = new CudaError(4, "CUDA_ERROR_DEINITIALIZED", "driver shutting down");
    public static final CudaError STUB_LIBRARY = new CudaError(34, "CUDA_ERROR_STUB_LIBRARY", "CUDA driver is a stub library");
    public static final CudaError INSUFFICIENT_DRIVER = new CudaError(35, "CUDA_ERROR_INSUFFICIENT_DRIVER", "CUDA driver version is insufficient for CUDA runtime version");
    public static final CudaError NO_DEVICE = new CudaError(100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected");
    public static final CudaError INVALID_DEVICE = new CudaError(101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal");
    public static final CudaError INVALID_IMAGE = new CudaError(200, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid");
    public static final CudaError INVALID_CONTEXT = new CudaError(201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context");
    public static final CudaError NO_BINARY_FOR_GPU = new CudaError(209, "CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image is available for execution on the device");
    public static final CudaError INVALID_PTX = new CudaError(218, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed");
    public static final CudaError UNSUPPORTED_PTX_VERSION = new CudaError(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the provided PTX was compiled with an unsupported toolchain");
    public static final CudaError INVALID_SOURCE = new CudaError(300, "CUDA_ERROR_INVALID_SOURCE", "device kernel image is invalid");
    public static final CudaError FILE_NOT_FOUND = new CudaError(301, "CUDA_ERROR_FILE_NOT_FOUND", "file not found");
    public static final CudaError INVALID_HANDLE = new CudaError(400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle");
    public static final CudaError NOT_FOUND = new CudaError(500, "CUDA_ERROR_NOT_FOUND", "named symbol not found");
    public static final CudaError NOT_READY = new CudaError(600, "CUDA_ERROR_NOT_READY", "device not ready");
    public static final CudaError ILLEGAL_ADDRESS = new CudaError(700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered");
    public static final CudaError LAUNCH_OUT_OF_RESOURCES = new CudaError(701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for launch");
    public static final CudaError LAUNCH_TIMEOUT = new CudaError(702, "CUDA_ERROR_LAUNCH_TIMEOUT", "the launch timed out and was terminated");
    public static final CudaError HOST_MEMORY_ALREADY_REGISTERED = new CudaError(712, "CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED", "part or all of the requested memory range is already mapped");
    public static final CudaError HOST_MEMORY_NOT_REGISTERED = new CudaError(713, "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED", "pointer does not correspond to a registered memory region");
    public static final CudaError ASSERT = new CudaError(710, "CUDA_ERROR_ASSERT", "device-side assert triggered");
    public static final CudaError ILLEGAL_INSTRUCTION = new CudaError(715, "CUDA_ERROR_ILLEGAL_INSTRUCTION", "an illegal instruction was encountered");
    public static final CudaError MISALIGNED_ADDRESS = new CudaError(716, "CUDA_ERROR_MISALIGNED_ADDRESS", "misaligned address");
    public static final CudaError LAUNCH_FAILED = new CudaError(719, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure");
    public static final CudaError NOT_PERMITTED = new CudaError(800, "CUDA_ERROR_NOT_PERMITTED", "operation not permitted");
    public static final CudaError NOT_SUPPORTED = new CudaError(801, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported");
    public static final CudaError UNKNOWN = new CudaError(999, "CUDA_ERROR_UNKNOWN", "unknown error");

    private static final Map<Integer, CudaError> BY_CODE = Stream.of(SUCCESS, INVALID_VALUE, OUT_OF_MEMORY,
            NOT_INITIALIZED, DEINITIALIZED, STUB_LIBRARY, INSUFFICIENT_DRIVER, NO_DEVICE, INVALID_DEVICE,
            INVALID_IMAGE, INVALID_CONTEXT, NO_BINARY_FOR_GPU, INVALID_PTX, UNSUPPORTED_PTX_VERSION,
            INVALID_SOURCE, FILE_NOT_FOUND, INVALID_HANDLE, NOT_FOUND, NOT_READY, ILLEGAL_ADDRESS,
            LAUNCH_OUT_OF_RESOURCES, LAUNCH_TIMEOUT, HOST_MEMORY_ALREADY_REGISTERED,
            HOST_MEMORY_NOT_REGISTERED, ASSERT, ILLEGAL_INSTRUCTION, MISALIGNED_ADDRESS, LAUNCH_FAILED,
            NOT_PERMITTED, NOT_SUPPORTED, UNKNOWN)
            .collect(Collectors.toUnmodifiableMap(CudaError::code, Function.identity()));

    /** The error with this code; codes without a name here are kept with a generated name. */
    public static CudaError of(int code) {
        CudaError known = BY_CODE.get(code);
        return known != null ? known : new CudaError(code, "CUDA_ERROR_" + code, "CUDA error " + code);
    }

    /** The same error with a more specific message (the code and name stay CUDA's). */
    public CudaError withMessage(String detail) {
        return new CudaError(code, name, detail);
    }
}
