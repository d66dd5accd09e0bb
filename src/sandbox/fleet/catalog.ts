// What the simulated fleet is made of: hardware models with their Graph values, and people's names.
// Manufacturer and model strings are spelled the way Intune reports them (graph-examples: "Dell Inc.", "samsung").

export type Kind = "winLaptop" | "winDesktop" | "iphone" | "ipad" | "androidCompany" | "androidPersonal" | "mac";

export interface Model {
  manufacturer: string;
  model: string;
  /** 4me product name for this model when the 4me side already has a product for it. */
  productName: string;
  serial: "dell" | "hp" | "lenovo" | "surface" | "apple" | "samsung" | "pixel";
  storageGb: readonly number[];
}

const m = (
  manufacturer: string,
  model: string,
  productName: string,
  serial: Model["serial"],
  storageGb: readonly number[],
): Model => ({ manufacturer, model, productName, serial, storageGb });

export const MODELS: Record<Kind, readonly Model[]> = {
  winLaptop: [
    m("Dell Inc.", "Latitude 7440", "Dell Latitude 7440", "dell", [256, 512]),
    m("Dell Inc.", "Latitude 5440", "Dell Latitude 5440", "dell", [256, 512]),
    m("HP", "HP EliteBook 840 G9 Notebook PC", "HP EliteBook 840 G9", "hp", [256, 512]),
    m("HP", "HP ProBook 450 G10 Notebook PC", "HP ProBook 450 G10", "hp", [256]),
    m("LENOVO", "ThinkPad T14 Gen 3", "Lenovo ThinkPad T14 Gen 3", "lenovo", [256, 512]),
    m("LENOVO", "ThinkPad X1 Carbon Gen 11", "Lenovo ThinkPad X1 Carbon Gen 11", "lenovo", [512, 1024]),
    m("Microsoft Corporation", "Surface Pro 4", "Microsoft Surface Pro 4", "surface", [128, 256]),
    m("Microsoft Corporation", "Surface Laptop 5", "Microsoft Surface Laptop 5", "surface", [256, 512]),
  ],
  winDesktop: [
    m("Dell Inc.", "OptiPlex 7010", "Dell OptiPlex 7010", "dell", [512]),
    m("HP", "HP EliteDesk 800 G6 Desktop Mini PC", "HP EliteDesk 800 G6", "hp", [256, 512]),
    m("LENOVO", "ThinkCentre M70q Gen 3", "Lenovo ThinkCentre M70q Gen 3", "lenovo", [256]),
  ],
  iphone: [
    m("Apple", "iPhone 13", "Apple iPhone 13", "apple", [128, 256]),
    m("Apple", "iPhone 14", "Apple iPhone 14", "apple", [128, 256]),
    m("Apple", "iPhone 15", "Apple iPhone 15", "apple", [128, 256]),
    m("Apple", "iPhone 15 Pro", "Apple iPhone 15 Pro", "apple", [256, 512]),
    m("Apple", "iPhone SE (3rd generation)", "Apple iPhone SE (3rd generation)", "apple", [64, 128]),
  ],
  ipad: [
    m("Apple", "iPad (9th generation)", "Apple iPad (9th generation)", "apple", [64, 256]),
    m("Apple", "iPad Air (5th generation)", "Apple iPad Air (5th generation)", "apple", [64, 256]),
    m("Apple", "iPad Pro (11-inch) (4th generation)", "Apple iPad Pro 11 (4th generation)", "apple", [128, 512]),
  ],
  androidCompany: [
    m("samsung", "SM-S911B", "Samsung Galaxy S23", "samsung", [128, 256]),
    m("samsung", "SM-A546B", "Samsung Galaxy A54", "samsung", [128]),
    m("Google", "Pixel 8", "Google Pixel 8", "pixel", [128, 256]),
  ],
  androidPersonal: [
    m("samsung", "SM-S918B", "Samsung Galaxy S23 Ultra", "samsung", [256, 512]),
    m("samsung", "SM-G991B", "Samsung Galaxy S21", "samsung", [128]),
    m("Google", "Pixel 7", "Google Pixel 7", "pixel", [128]),
    m("Google", "Pixel 8 Pro", "Google Pixel 8 Pro", "pixel", [128, 256]),
  ],
  mac: [
    m("Apple", "MacBook Pro", "Apple MacBook Pro", "apple", [512, 1024]),
    m("Apple", "MacBook Air", "Apple MacBook Air", "apple", [256, 512]),
    m("Apple", "iMac", "Apple iMac", "apple", [512]),
    m("Apple", "Mac mini", "Apple Mac mini", "apple", [512]),
  ],
};

/** Share of each kind in a fleet (percent, the rest of the hard cases aside). */
export const KIND_WEIGHTS: readonly (readonly [number, Kind])[] = [
  [38, "winLaptop"],
  [10, "winDesktop"],
  [16, "iphone"],
  [5, "ipad"],
  [8, "androidCompany"],
  [10, "androidPersonal"],
  [13, "mac"],
];

/** Product categories of the 4me side, by kind. */
export const CATEGORY: Record<Kind, { reference: string; name: string }> = {
  winLaptop: { reference: "laptop", name: "Laptop" },
  winDesktop: { reference: "desktop", name: "Desktop" },
  iphone: { reference: "mobile_phone", name: "Mobile Phone" },
  ipad: { reference: "tablet", name: "Tablet" },
  androidCompany: { reference: "mobile_phone", name: "Mobile Phone" },
  androidPersonal: { reference: "mobile_phone", name: "Mobile Phone" },
  mac: { reference: "laptop", name: "Laptop" },
};

export const FIRST_NAMES = [
  "Megan",
  "Alex",
  "Lee",
  "Adele",
  "Diego",
  "Isaiah",
  "Johanna",
  "Lidia",
  "Lynne",
  "Miriam",
  "Nestor",
  "Patti",
  "Pradeep",
  "Grady",
  "Henrietta",
  "Irvin",
  "Joni",
  "Christie",
  "Debra",
  "Emily",
  "Allan",
  "Brian",
  "Cameron",
  "Daan",
  "Sanne",
  "Noah",
  "Emma",
  "Lucas",
  "Julia",
  "Sem",
  "Tess",
  "Finn",
  "Anna",
  "Mila",
  "Ravi",
  "Aisha",
] as const;

export const LAST_NAMES = [
  "Bowen",
  "Wilber",
  "Gu",
  "Vance",
  "Siciliani",
  "Langer",
  "Lauer",
  "Holloway",
  "Robbins",
  "Graham",
  "Wilke",
  "Fernandez",
  "Gupta",
  "Archie",
  "Cannon",
  "Sink",
  "Sherman",
  "Cline",
  "Berg",
  "Braun",
  "Deyoung",
  "Jansen",
  "de Vries",
  "van Dijk",
  "Bakker",
  "Visser",
  "Smit",
  "Meijer",
  "de Boer",
  "Mulder",
  "Peters",
  "Hendriks",
] as const;

/** Names outside ASCII, including CJK: [display name, UPN local part, device-name possessive]. */
export const NON_ASCII_PEOPLE = [
  ["Zoë Müller", "zoe.muller", "Zoë’s"],
  ["José Álvarez", "jose.alvarez", "José’s"],
  ["Søren Kjær", "soren.kjaer", "Søren’s"],
  ["Łukasz Wójcik", "lukasz.wojcik", "Łukasz’s"],
  ["王芳", "fang.wang", "王芳的"],
  ["佐藤 花子", "hanako.sato", "佐藤の"],
] as const;
