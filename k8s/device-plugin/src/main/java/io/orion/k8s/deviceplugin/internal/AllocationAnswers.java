package io.orion.k8s.deviceplugin.internal;

import io.orion.k8s.deviceplugin.internal.v1beta1.ContainerAllocateResponse;
import io.orion.k8s.deviceplugin.internal.v1beta1.Mount;

/**
 * What a container that got vGPU slots needs to reach Orion: the controller's address, the
 * client libraries, the shm transport's folder and ORION_* defaults. The kubelet puts a pod's own
 * env after these, so a pod that sets ORION_VGPU, ORION_GMEM or ORION_RATIO keeps its values.
 */
record AllocationAnswers(String resourceName, String controller, String libHostPath, String libContainerPath,
                         boolean setLibraryPath, String shmHostPath, long defaultGmemMiB, int defaultRatio) {

    ContainerAllocateResponse forContainer(int slots) {
        ContainerAllocateResponse.Builder b = ContainerAllocateResponse.newBuilder()
                .putEnvs("ORION_CONTROLLER", controller)
                .putEnvs("ORION_VGPU", Integer.toString(slots));
        if (defaultGmemMiB > 0) b.putEnvs("ORION_GMEM", Long.toString(defaultGmemMiB));
        if (defaultRatio > 0) b.putEnvs("ORION_RATIO", Integer.toString(defaultRatio));
        if (!libHostPath.isBlank()) {
            b.addMounts(Mount.newBuilder().setHostPath(libHostPath).setContainerPath(libContainerPath).setReadOnly(true));
            // orion-run finds the libraries here; LD_LIBRARY_PATH serves programs started without it
            b.putEnvs("ORION_CLIENT_LIB", libContainerPath);
            if (setLibraryPath) b.putEnvs("LD_LIBRARY_PATH", libContainerPath);
        }
        if (!shmHostPath.isBlank())
            b.addMounts(Mount.newBuilder().setHostPath(shmHostPath).setContainerPath(shmHostPath).setReadOnly(false));
        return b.build();
    }
}
