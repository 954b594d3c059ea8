// Interactive 3D view of a run's scene.glb: three.js GLTFLoader + OrbitControls, soft studio
// lighting from RoomEnvironment, a ground grid, framing from the model's bounds. When WebGL is
// missing (old GPU, blocked drivers) it says so instead of showing a blank box.

import * as THREE from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { RoomEnvironment } from "three/addons/environments/RoomEnvironment.js";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";

export function webglAvailable() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

function isSoftwareRenderer(renderer) {
  const gl = renderer.getContext();
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|softpipe|software/i.test(name);
}

export class Viewer {
  /**
   * @param {HTMLElement} host  the box the canvas fills
   * @param {HTMLElement} overlay  the message layer shown while there is nothing to see
   */
  constructor(host, overlay) {
    this.host = host;
    this.overlay = overlay;
    this.message = overlay.querySelector("p");
    this.model = null;
    this.renderer = null;
    this.supported = webglAvailable();
    if (!this.supported) {
      this.show("3D preview needs WebGL, which this browser has turned off. The .glb download still works.");
      return;
    }
    this.renderer = new THREE.WebGLRenderer({ antialias: true, alpha: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.outputColorSpace = THREE.SRGBColorSpace;
    // Neutral keeps the materials' colours close to what Blender showed in the screenshots.
    this.renderer.toneMapping = THREE.NeutralToneMapping;
    const canvas = this.renderer.domElement;
    canvas.setAttribute("aria-label", "3D view of the model: drag or use the arrow keys to orbit, scroll or + and − to zoom, 0 to reset");
    canvas.setAttribute("role", "img");
    canvas.tabIndex = 0; // keyboard users orbit it too (WCAG 2.1.1)
    canvas.dataset.testid = "viewer-canvas";
    canvas.addEventListener("keydown", (e) => this.onKey(e));
    host.prepend(this.renderer.domElement);

    this.scene = new THREE.Scene();
    this.software = isSoftwareRenderer(this.renderer);
    const sun = new THREE.DirectionalLight(0xffffff, 1.4);
    sun.position.set(3, 6, 4);
    this.scene.add(sun);
    if (this.software) {
      // Prefiltering an environment map costs ~20 s of CPU on a software rasteriser
      // (SwiftShader, llvmpipe): plain lights there, so the page stays responsive.
      const fill = new THREE.DirectionalLight(0xffffff, 0.5);
      fill.position.set(-4, 2, -3);
      this.scene.add(fill, new THREE.HemisphereLight(0xeef0ff, 0x404050, 1.2));
    } else {
      const pmrem = new THREE.PMREMGenerator(this.renderer);
      this.scene.environment = pmrem.fromScene(new RoomEnvironment(), 0.04).texture;
      this.scene.environmentIntensity = 0.75;
      pmrem.dispose();
    }
    this.grid = new THREE.GridHelper(10, 20, 0x7078a0, 0x4a5070);
    this.grid.material.transparent = true;
    this.grid.material.opacity = 0.35;
    this.scene.add(this.grid);

    this.camera = new THREE.PerspectiveCamera(40, 4 / 3, 0.01, 1000);
    this.camera.position.set(4, 3, 5);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = true;
    this.controls.addEventListener("change", () => this.requestRender());

    new ResizeObserver(() => this.resize()).observe(host);
    this.resize();
    this.renderer.setAnimationLoop(() => this.tick());
  }

  /** Shows the overlay with a message (nothing loaded, loading, error). */
  show(text, { loading = false } = {}) {
    this.message.textContent = text;
    this.overlay.classList.toggle("loading", loading);
    this.overlay.hidden = false;
  }

  /** Removes the model and shows the placeholder again. */
  clear(text = "Your model will appear here when the run finishes.") {
    if (!this.supported) return; // keep the "needs WebGL" message
    if (this.model) {
      this.scene.remove(this.model);
      this.model.traverse((o) => { o.geometry?.dispose(); });
      this.model = null;
    }
    this.stats = null;
    this.host.dataset.loaded = "false";
    delete this.host.dataset.kind;
    this.show(text);
    // Draw the empty scene now: the old model must not stay on the canvas behind the message.
    this.requestRender();
    this.renderer.render(this.scene, this.camera);
  }

  /** Arrows orbit (15° a press), + / − zoom, 0 or Home frames the model again. */
  onKey(e) {
    if (!this.model) return;
    const step = THREE.MathUtils.degToRad(15);
    const offset = this.camera.position.clone().sub(this.controls.target);
    const spherical = new THREE.Spherical().setFromVector3(offset);
    const keys = {
      ArrowLeft: () => { spherical.theta -= step; },
      ArrowRight: () => { spherical.theta += step; },
      ArrowUp: () => { spherical.phi = Math.max(0.05, spherical.phi - step); },
      ArrowDown: () => { spherical.phi = Math.min(Math.PI - 0.05, spherical.phi + step); },
      "+": () => { spherical.radius *= 0.85; },
      "=": () => { spherical.radius *= 0.85; },
      "-": () => { spherical.radius /= 0.85; },
      0: () => this.frame(),
      Home: () => this.frame(),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    if (e.key === "0" || e.key === "Home") {
      action();
    } else {
      action();
      this.camera.position.copy(this.controls.target).add(new THREE.Vector3().setFromSpherical(spherical));
      this.camera.lookAt(this.controls.target);
      this.controls.update();
    }
    this.host.dataset.orbit = `${spherical.theta.toFixed(3)},${spherical.phi.toFixed(3)},${spherical.radius.toFixed(3)}`;
    this.requestRender();
  }

  /**
   * Loads a glTF binary and frames it.
   * @param {Blob} blob  the scene.glb bytes
   * @returns {Promise<{meshes: number, triangles: number}>}
   */
  async load(blob) {
    if (!this.supported) throw new Error("WebGL is not available");
    this.show("Loading the model…", { loading: true });
    const gltf = await new GLTFLoader().parseAsync(await blob.arrayBuffer(), "");
    this.clear();
    this.model = gltf.scene;
    this.scene.add(this.model);
    let meshes = 0;
    let triangles = 0;
    this.model.traverse((o) => {
      if (!o.isMesh) return;
      meshes += 1;
      // With no environment to reflect (software GL), full metals would render black.
      if (this.software) for (const m of [o.material].flat()) m.metalness = Math.min(m.metalness ?? 0, 0.3);
      const g = o.geometry;
      triangles += (g.index ? g.index.count : g.attributes.position.count) / 3;
    });
    this.frame();
    this.overlay.hidden = true;
    this.host.dataset.loaded = "true";
    this.stats = { meshes, triangles: Math.round(triangles) };
    this.requestRender();
    return this.stats;
  }

  /** Puts the camera where the whole model fits, looking slightly down at it. */
  frame() {
    if (!this.model) return;
    const box = new THREE.Box3().setFromObject(this.model);
    if (box.isEmpty()) return;
    const size = box.getSize(new THREE.Vector3());
    const center = box.getCenter(new THREE.Vector3());
    // The model's extent (x, y, z in metres), readable by tests and tools without WebGL access.
    this.host.dataset.size = size.toArray().map((v) => v.toFixed(3)).join(",");
    const radius = Math.max(size.length() / 2, 1e-3);
    const fov = THREE.MathUtils.degToRad(this.camera.fov);
    // The bounding sphere over-estimates a flat or tall scene: 0.8 of it fills the frame well.
    const distance = (radius / Math.sin(fov / 2)) * 0.8;
    const dir = new THREE.Vector3(1, 0.7, 1.3).normalize();
    this.camera.position.copy(center).addScaledVector(dir, distance);
    this.camera.near = distance / 100;
    this.camera.far = distance * 100;
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(center);
    this.controls.update();
    // The grid sits under the model and scales with it.
    const span = Math.max(size.x, size.z) * 3 || 1;
    this.grid.scale.setScalar(span / 10);
    this.grid.position.set(center.x, box.min.y, center.z);
    this.requestRender();
  }

  setAutoRotate(on) {
    this.controls.autoRotate = on;
    this.requestRender();
  }

  setWireframe(on) {
    this.model?.traverse((o) => {
      if (!o.isMesh) return;
      for (const m of Array.isArray(o.material) ? o.material : [o.material]) m.wireframe = on;
    });
    this.requestRender();
  }

  resize() {
    const { clientWidth: w, clientHeight: h } = this.host;
    if (!w || !h) return;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  requestRender() { this.dirty = true; }

  // Renders only when something changed (or while damping/auto-rotate moves the camera), so an
  // idle viewer costs nothing while a run is streaming next to it.
  tick() {
    const moving = this.controls.update();
    if (!this.dirty && !moving && !this.controls.autoRotate) return;
    this.dirty = false;
    this.renderer.render(this.scene, this.camera);
  }
}
